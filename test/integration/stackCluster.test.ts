// The stack's services of a test's own, as the fault suite uses them: a 3-node KRaft cluster that
// keeps taking acks=all writes with a node SIGKILLed and is whole again once the node restarts,
// and a private PostgreSQL that keeps what it committed across a SIGKILL.
import { expect } from 'chai';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { processGone, startKafkaCluster, type KafkaCluster } from '../../deploy/stack/kafkaCluster.js';
import { startPostgresInstance, type PostgresInstance } from '../../deploy/stack/postgresInstance.js';
import { createProgress } from '../../deploy/stack/progress.js';
import { eventually } from '../support/signals.js';

// Fixed ports nothing else uses (the fault suite's world is on 29092…/29432).
// Below Linux's ephemeral range (32768–60999): an outgoing connection could otherwise hold one.
const KAFKA_BASE_PORT = 28092;
const POSTGRES_PORT = 28432;
const progress = createProgress(!process.env.CI);

function properties(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

describe('a Kafka cluster of a test\'s own (startKafkaCluster, 3 nodes)', function () {
  this.timeout(240_000);
  const topic = `stack-cluster-${randomUUID()}`;
  let dir = '';
  let cluster: KafkaCluster | undefined;
  let admin: Admin;
  let producer: Producer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-kafka-cluster-'));
    cluster = await startKafkaCluster({ dir, brokers: 3, basePort: KAFKA_BASE_PORT, progress });
    const kafka = new Kafka({
      clientId: 'stack-cluster-test',
      brokers: cluster.bootstrap,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 5000,
      // Leadership moves only once the controller fences the killed node (broker session timeout, 9 s).
      retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    admin = kafka.admin();
    producer = kafka.producer({ idempotent: true });
    await Promise.all([admin.connect(), producer.connect()]);
  });
  after(async () => {
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await cluster?.stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Replicas in sync per partition of the topic, and the messages it holds. */
  async function state(): Promise<{ isr: number[]; leaders: number[]; messages: number }> {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = [...(topics[0]?.partitions ?? [])].sort((a, b) => a.partitionId - b.partitionId);
    const offsets = await admin.fetchTopicOffsets(topic);
    return {
      isr: partitions.map((p) => p.isr.length),
      leaders: partitions.map((p) => p.leader),
      messages: offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0),
    };
  }

  /** The state once all 3 partitions have 3 replicas in sync (a broker may not know the topic yet: not yet). */
  async function inSync(): Promise<Awaited<ReturnType<typeof state>> | undefined> {
    const s = await state().catch(() => undefined);
    return s && s.isr.length === 3 && s.isr.every((n) => n === 3) ? s : undefined;
  }

  const produce = (batch: string, count: number) =>
    producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value: `${batch}-${i}` })) });

  it('runs every node as broker and controller of one 3-voter quorum, with RF 3 and min ISR 2 by default', async () => {
    const c = cluster as KafkaCluster;
    expect(c.bootstrap).to.deep.equal(['127.0.0.1:28092', '127.0.0.1:28094', '127.0.0.1:28096']);
    const described = await admin.describeCluster();
    expect(described.brokers.map((b) => `${b.host}:${b.port}`).sort()).to.deep.equal(c.bootstrap);
    for (const node of c.nodes) {
      expect(node.pid(), `node ${node.id} pid`).to.be.a('number');
      const props = properties(join(dir, `node-${node.id}`, 'server.properties'));
      expect(props).to.include({
        'node.id': String(node.id),
        'process.roles': 'broker,controller',
        'controller.quorum.voters': '1@127.0.0.1:28093,2@127.0.0.1:28095,3@127.0.0.1:28097',
        'default.replication.factor': '3',
        'min.insync.replicas': '2',
        'offsets.topic.replication.factor': '3',
        'transaction.state.log.replication.factor': '3',
        'transaction.state.log.min.isr': '2',
        'auto.create.topics.enable': 'false',
      });
    }
    const ids = new Set(c.nodes.map((n) => readFileSync(join(dir, `node-${n.id}`, 'data', 'meta.properties'), 'utf8').match(/cluster\.id=(\S+)/)?.[1]));
    expect(ids.size, 'one cluster id on every node').to.equal(1);
  });

  it('takes acks=all writes with a node SIGKILLed, and has every replica in sync again once it restarts', async () => {
    const c = cluster as KafkaCluster;
    // waitForLeaders would fail on the first broker whose metadata does not have the topic yet.
    await admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
    });
    await eventually(async () => (await inSync()) && true, 'the topic on every broker, 3 replicas in sync', 30_000);
    await produce('before', 30);
    const whole = await state();
    expect(whole.messages).to.equal(30);

    const victim = c.nodes.find((n) => n.id === whole.leaders[0]);
    if (!victim) throw new Error(`leader ${whole.leaders[0]} of partition 0 is not a node of the cluster`);
    const oldPid = victim.pid();
    await c.kill(victim.id);
    expect(victim.pid(), 'killed node').to.equal(undefined);
    // Dead: every thread has exited. Node reaps the zombie a moment later, so ESRCH would race it.
    expect(processGone(oldPid as number), 'the killed process').to.equal(true);

    await produce('during', 30); // needs min ISR 2: acked by the two nodes left
    const degraded = await state();
    expect(degraded.messages, 'nothing lost with a node down').to.equal(60);
    expect(degraded.leaders, 'no partition led by the dead node').to.not.include(victim.id);

    await c.start(victim.id);
    expect(victim.pid()).to.be.a('number').and.not.equal(oldPid);
    const healed = await eventually(inSync, 'the restarted node back in sync on every partition', 60_000, 250);
    expect(healed.messages).to.equal(60);
    await produce('after', 30);
    expect((await state()).messages).to.equal(90);
  });
});

describe('a Kafka node run as a daemon (what stack:up -- --brokers n runs)', function () {
  this.timeout(120_000);
  let dir = '';
  let first: KafkaCluster | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-kafka-daemon-'));
  });
  after(async () => {
    await first?.stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is reused by a later start on the same dir (pid file), and stopped by it', async () => {
    first = await startKafkaCluster({ dir, brokers: 1, basePort: KAFKA_BASE_PORT + 10, daemon: true, progress });
    const pid = first.nodes[0]?.pid();
    expect(readFileSync(join(dir, 'node-1', 'kafka.pid'), 'utf8').trim()).to.equal(String(pid));
    expect(properties(join(dir, 'node-1', 'server.properties'))).to.include({ 'default.replication.factor': '1', 'min.insync.replicas': '1' });

    const again = await startKafkaCluster({ dir, brokers: 1, basePort: KAFKA_BASE_PORT + 10, daemon: true, progress });
    expect(again.nodes[0]?.pid(), 'the running node, not a second one').to.equal(pid);
    await again.stopAll();
    expect(processGone(pid as number), 'the stopped daemon').to.equal(true);
    expect(first.nodes[0]?.pid()).to.equal(undefined);
  });
});

describe('a PostgreSQL of a test\'s own (startPostgresInstance)', function () {
  this.timeout(120_000);
  let dir = '';
  let postgres: PostgresInstance | undefined;
  const clients: pg.Client[] = [];

  async function connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: (postgres as PostgresInstance).url });
    client.on('error', () => undefined); // the kill drops the connection
    await client.connect();
    clients.push(client);
    return client;
  }

  before(async () => {
    // mkdtemp's own dir is fine: it is chowned to the postgres user, and /tmp is open to all.
    dir = mkdtempSync(join(tmpdir(), 'pulse-pg-'));
    postgres = await startPostgresInstance({ dir, port: POSTGRES_PORT, progress });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await postgres?.stop();
    await postgres?.stop(); // idempotent
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps committed rows, and only those, across a SIGKILL and a restart on the same data', async () => {
    const db = postgres as PostgresInstance;
    expect(db.url).to.equal(`postgres://postgres@127.0.0.1:${POSTGRES_PORT}/postgres`);
    const writer = await connect();
    await writer.query('CREATE TABLE facts (id int PRIMARY KEY, what text NOT NULL)');
    await writer.query("INSERT INTO facts SELECT g, 'committed' FROM generate_series(1, 100) g");
    const open = await connect();
    await open.query('BEGIN');
    await open.query("INSERT INTO facts VALUES (101, 'in flight')");

    const oldPid = db.pid();
    await db.kill();
    expect(db.pid()).to.equal(undefined);
    expect(() => process.kill(-(oldPid as number), 0), 'the postmaster and its backends').to.throw(/ESRCH/);
    let refused: unknown;
    await writer.query('SELECT 1').catch((err: unknown) => (refused = err));
    expect(refused, 'a connection of the killed server').to.be.instanceOf(Error);

    await db.start();
    expect(db.pid()).to.be.a('number').and.not.equal(oldPid);
    const reader = await connect();
    const { rows } = await reader.query<{ what: string; n: number }>('SELECT what, count(*)::int AS n FROM facts GROUP BY what');
    expect(rows).to.deep.equal([{ what: 'committed', n: 100 }]);
  });
});
