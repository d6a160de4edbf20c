// Kafka failures under a steady flow of checks (200 HTTP integrations checked every second,
// one worker and one projector process) on the fault world's three brokers: the leader of
// health.checks partitions SIGKILLed and restarted, then every broker stopped for two minutes.
// Each ends with the ledger: every check the target served is on the topic once, in history
// once, in the rollups once, and nothing valid is dead-lettered.
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { issueUserToken } from '../../api/auth.js';
import { kill, type PulseProcess } from '../support/processes.js';
import { awaitedLater, eventually } from '../support/signals.js';
import { connectCheckLoad, openScenario, settleLedger, type CheckLoad, type Scenario } from './support/scenario.js';
import { testWorld } from './support/testWorld.js';
import { restoreWorld, type FaultWorld } from './support/world.js';

const INTEGRATIONS = 200;
const INTERVAL_SECONDS = 1;

/** Broker id leading partition 0 of `topic`, and whether every partition has its 3 replicas in sync. */
async function describe3(world: FaultWorld, topic: string): Promise<{ leader: number; fullyReplicated: boolean }> {
  const kafka = new Kafka({ brokers: world.kafka.bootstrap, clientId: 'fault-probe', logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions ?? [];
    return {
      leader: partitions.find((p) => p.partitionId === 0)?.leader ?? -1,
      fullyReplicated: partitions.length > 0 && partitions.every((p) => p.isr.length === 3),
    };
  } finally {
    await admin.disconnect();
  }
}

function served(load: CheckLoad): number {
  return load.integrations.reduce((n, id) => n + load.target.hits(id), 0);
}

describe('faults: Kafka brokers failing under load (3 brokers, RF 3, min ISR 2)', function () {
  this.timeout(600_000);
  let world: FaultWorld;
  let s: Scenario;
  let load: CheckLoad;
  let worker: PulseProcess;

  // One scenario for both tests: the second starts where the first left off (its worker
  // stopped), and its ledger covers both.
  before(async () => {
    world = await testWorld();
    s = await openScenario(world, this.title);
    load = await connectCheckLoad(s, INTEGRATIONS, INTERVAL_SECONDS);
    s.start(['projector']);
    worker = s.start(['worker']);
    // The flow is under way: every integration checked at least once.
    await eventually(async () => load.integrations.every((id) => load.target.hits(id) > 0), 'every integration checked', 120_000, 250);
  });
  after(async () => {
    if (world) await restoreWorld(world);
    await s?.drop();
    await load?.close();
  });

  /** Stop the worker (it publishes what it holds), then count. */
  const ledger = async () => {
    await kill(worker, 'SIGTERM');
    return settleLedger(s, load);
  };

  it('loses and repeats no check when the leader of health.checks partitions is SIGKILLed and restarted', async () => {
    const { leader } = await describe3(world, s.rt.topics.checks);
    expect(leader, 'partition 0 has a leader').to.be.greaterThan(0);
    await world.kafka.kill(leader);
    const atKill = served(load);
    // Checks go on (two replicas remain, min ISR 2 still met) …
    await eventually(async () => served(load) >= atKill + 2 * INTEGRATIONS, 'checks keep flowing with a broker down', 90_000, 250);
    await world.kafka.start(leader);
    // … and the restarted broker catches up to a full ISR again.
    await eventually(async () => (await describe3(world, s.rt.topics.checks)).fullyReplicated, 'all partitions back to 3 in-sync replicas', 120_000, 1_000);
    const result = await ledger();
    expect(result.produced).to.be.greaterThan(4 * INTEGRATIONS);
    expect(result.disagreements, 'per-integration counts').to.deep.equal([]);
    expect(result).to.deep.include({ lost: 0, duplicated: 0, deadLettered: 0 });
  });

  it('keeps every check through two minutes without any broker, pauses and counts slots when its outbox is full, and answers API writes 503 meanwhile', async () => {
    // A worker with a small outbox, so two minutes of results overflow it.
    await kill(worker, 'SIGTERM');
    worker = s.start(['worker'], { CHECK_OUTBOX_CAPACITY: String(60 * INTEGRATIONS), PROBE_PORT: '0' });
    const probes = String((await worker.logged((l) => l.msg === 'probes listening', 120_000)).url);
    await worker.logged((l) => l.msg === 'partitions assigned', 120_000);
    const metric = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${probes}/metrics`)).text())?.[1]);
    const api = s.start(['api'], { API_PORT: '0' });
    const apiUrl = String((await api.logged((l) => l.msg === 'API listening', 120_000)).url);
    const token = issueUserToken(s.config().auth.jwtSecret, 'fault-api-user');
    const register = (name: string) => fetch(`${apiUrl}/api/integrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ provider: 'http', displayName: name, checkIntervalSeconds: 60, config: { url: `${load.target.url}/api-${name}` } }),
    });
    const before = await register('before-outage');
    expect(before.status, 'a write while Kafka is up').to.equal(202);
    const acked = (await before.json()).id as string;

    const full = awaitedLater(worker.logged((l) => l.msg === 'check outbox full', 200_000));
    const skipped = awaitedLater(worker.logged((l) => l.msg === 'check slots skipped while Kafka was unavailable', 400_000));
    await world.kafka.stopAll();
    const atStop = served(load);

    // While no broker runs: checks still run (their results wait), and the API refuses to
    // accept what it cannot record.
    const during = await register('during-outage');
    expect(during.status, 'a write while Kafka is down').to.equal(503);
    expect(Number(during.headers.get('retry-after'))).to.be.greaterThan(0);
    await eventually(async () => served(load) >= atStop + 10 * INTEGRATIONS, 'checks keep running while Kafka is down', 60_000, 250);
    await full; // 60 s of results: the worker stops starting routine checks, and says so in its metrics
    expect(await metric('pulse_check_outbox_full')).to.equal(1);
    expect(await metric('pulse_check_outbox_records')).to.be.at.least(60 * INTEGRATIONS);
    expect((await (await fetch(`${probes}/readyz`)).json()).dependencies.kafka).to.equal('down');
    // The outage lasts until the worker has held a result for two minutes (its own metric says so).
    await eventually(async () => (await metric('pulse_check_outbox_oldest_seconds')) >= 120, 'a result held for two minutes', 200_000, 1_000);

    await Promise.all(world.kafka.nodes.map((n) => world.kafka.start(n.id)));
    const resumed = await skipped;
    expect(Number(resumed.skippedSlots), 'slots skipped while the outbox was full are counted').to.be.greaterThan(0);
    expect(await metric('pulse_check_slots_skipped_total')).to.be.at.least(Number(resumed.skippedSlots));
    const result = await ledger();
    expect(result.disagreements, 'per-integration counts').to.deep.equal([]);
    expect(result).to.deep.include({ lost: 0, duplicated: 0, deadLettered: 0 });
    expect(result.produced).to.be.greaterThan(60 * INTEGRATIONS);

    // The write acked before the outage is there; the refused one is not.
    const listed = await eventually(async () => {
      const res = await fetch(`${apiUrl}/api/integrations`, { headers: { authorization: `Bearer ${token}` } });
      const body = res.status === 200 ? await res.json() : undefined;
      return body?.items?.some((i: { integrationId: string }) => i.integrationId === acked) ? body.items as { displayName: string }[] : undefined;
    }, 'the integration acked before the outage is listed', 60_000, 500);
    expect(listed.map((i) => i.displayName)).to.deep.equal(['before-outage']);
  });
});
