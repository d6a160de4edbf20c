// Two projectors of the same projection applying at once: what a zombie member does during a
// rebalance (it lost a partition but still has a batch in hand). Checkpoints are compare-and-set
// (consumers/projector.ts, applyInTx): a batch is applied only from the checkpoint it read under
// the row lock, so whoever comes second skips what the first applied — nothing twice, nothing lost.
//
// (a) The worst zombie, made permanent: two consumer groups, so BOTH own every partition all the
//     time, applying to the same tables and checkpoints while events flow.
// (b) The ordinary one: two processes in one group, one SIGKILLed at waited-for moments (a batch
//     in hand, or written and not committed) and restarted, so partitions move mid-batch.
//
// Both assert per integration: HealthChecked on the topic = check_count = history rows = hourly
// and monthly rollup sums, and nothing dead-lettered. The suite has its own environment: its
// groups and killed members must not touch anyone else's projectors.
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { runProjector } from '../../consumers/projector.js';
import type { RunningConsumer } from '../../platform/kafka.js';
import { createRuntime, type Runtime } from '../../platform/runtime.js';
import { healthHistoryProjection } from '../../projections/healthHistory.js';
import { integrationHealthProjection } from '../../projections/integrationHealth.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { kill, seededRandom, startPulseProcess, type LogLine, type PulseProcess } from '../support/processes.js';
import { caughtUp, eventually } from '../support/signals.js';
import { checkFlow, disagreements, ledger, type CheckFlow } from './support/zombieLedger.js';

const PROJECTIONS = ['integration_health', 'health_history'];

const backendPid = async (c: { query(sql: string): Promise<{ rows: any[] }> }) => Number((await c.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);

describe('faults: zombie projectors (two appliers of one projection at once)', function () {
  this.timeout(300_000);
  let env: OwnEnvironment;
  let rt: Runtime;
  const processes = new Set<PulseProcess>();
  const stoppers: (() => Promise<void>)[] = [];

  before(async () => {
    // Short sessions: a SIGKILLed member leaves the group in seconds, so partitions move often.
    env = await ownEnvironment('zombie projector', { KAFKA_SESSION_TIMEOUT_MS: '6000' });
    rt = createRuntime(env.config(), 'zombie-test');
  });
  after(async () => {
    for (const p of processes) await kill(p);
    for (const stop of stoppers) await stop().catch(() => undefined);
    await rt?.close();
    await env?.drop();
  });

  /** Waits until both projections are past the end of the topic, then compares every count. */
  const settle = async (flow: CheckFlow, context: string) => {
    for (const projection of PROJECTIONS) await caughtUp(rt, { projection }, [rt.topics.checks], 120_000);
    const l = await ledger(rt, flow.integrations);
    const total = [...l.onTopic.values()].reduce((a, b) => a + b, 0);
    expect(total, `every produced event on the topic (${context})`).to.equal(flow.produced());
    expect(disagreements(l), `per-integration counts (${context})`).to.deep.equal([]);
    expect(l.projected.checkCount.size, context).to.equal(flow.integrations.length);
    expect(l.deadLettered, `dead letters (${context})`).to.equal(0);
  };

  /**
   * One "process" in the test's own: a runtime of its own (pool, Kafka client) running the
   * projections it is asked to under groups of its own, its debug log counted so the test knows
   * it really applied records itself.
   */
  const inProcessProjector = (name: string) => {
    const applied = new Map<string, number>(PROJECTIONS.map((p) => [p, 0]));
    const logs = new Writable({
      write(chunk, _enc, done) {
        for (const text of String(chunk).split('\n')) {
          if (!text) continue;
          const line = JSON.parse(text) as LogLine;
          if (line.msg === 'projector batch applied, not committed' && Number(line.records) > 0) {
            applied.set(String(line.projection), (applied.get(String(line.projection)) ?? 0) + Number(line.records));
          }
        }
        done();
      },
    });
    const own = createRuntime({ ...env.config(), logLevel: 'debug' }, `zombie-${name}`, logs as never);
    const projections = { integration_health: integrationHealthProjection(own.config.statusRules), health_history: healthHistoryProjection(own.config.statusRules) };
    const running: RunningConsumer[] = [];
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await Promise.all(running.map((r) => r.stop()));
      await own.close();
    };
    stoppers.push(stop);
    return {
      name,
      applied,
      async run(projection: keyof typeof projections) {
        running.push(await runProjector(projections[projection], own, { groupId: own.topics.group(`zombie-${name}-${projection}`) }));
      },
      stop,
    };
  };

  it('(a) two consumer groups owning every partition at once apply each event exactly once', async () => {
    const flow = await checkFlow(rt, { integrations: 24, size: 40 });
    const partitions = (await rt.kafka.partitionOffsets(rt.topics.checks)).length;
    const [gate, secondGate] = [await rt.db.connect(), await rt.db.connect()];
    const gatePids = [await backendPid(gate), await backendPid(secondGate)];
    /** Pulse's transactions of this database waiting for a lock (the gates' own excepted). */
    const waiting = async () => Number((await rt.db.query(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND NOT pid = ANY($1)`, [gatePids],
    )).rows[0].n);
    const lockTable = "LOCK TABLE integration_health_checks IN EXCLUSIVE MODE";
    const a = inProcessProjector('a');
    const b = inProcessProjector('b');
    try {
      // The zombie's moment, made to happen on every partition: B reads the checkpoint while
      // A's first batch is applied but not committed, and writes its own rows after A commits.
      // Two gates on the health table do it. A backlog on every partition first (the first
      // batch of a partition, before any checkpoint row exists, is the hardest case).
      for (let i = 0; i < 10; i++) await flow.round();
      await gate.query('BEGIN');
      await gate.query(lockTable);
      // 1. A holds the first batch of every partition, stopped by the gate after its checkpoint read.
      await a.run('integration_health');
      await eventually(async () => (await waiting()) === partitions, `side A holding the first batch of each of ${partitions} partitions`, 60_000);
      // 2. The second gate queues behind A, so whatever comes later waits behind it…
      await secondGate.query('BEGIN');
      const secondGateHeld = secondGate.query(lockTable);
      await eventually(async () => Number((await rt.db.query(`SELECT count(*) AS n FROM pg_locks WHERE pid = $1 AND NOT granted`, [gatePids[1]])).rows[0].n) > 0, 'the second gate queued');
      // 3. …such as B with the same batches in hand (its checkpoint read done: A has not committed).
      await b.run('integration_health');
      await eventually(async () => (await waiting()) === 2 * partitions, `side B waiting with the first batch of each of ${partitions} partitions`, 60_000);
      // 4. A goes first and commits; then B.
      await gate.query('COMMIT');
      await secondGateHeld;
      await eventually(async () => Number((await rt.db.query(`SELECT count(*) AS n FROM projection_checkpoints WHERE projection = 'integration_health'`)).rows[0].n) === partitions, 'side A committed');
      await secondGate.query('COMMIT');
      // Then both sides of both projections race for a steady flow.
      await Promise.all([a.run('health_history'), b.run('health_history')]);
      for (let i = 0; i < 60; i++) await flow.round();
      await settle(flow, 'two groups');
      // Each side applied records of each projection itself (the rest it found applied by the other).
      for (const side of [a, b]) {
        for (const p of PROJECTIONS) expect(side.applied.get(p), `${p} records applied by side ${side.name}`).to.be.greaterThan(0);
      }
    } finally {
      for (const g of [gate, secondGate]) {
        await g.query('ROLLBACK').catch(() => undefined);
        g.release();
      }
      await Promise.all([a.stop(), b.stop()]);
      await flow.close();
    }
  });

  it('(b) two processes in one group, one SIGKILLed mid-batch and restarted again and again, apply each event exactly once', async () => {
    const random = seededRandom();
    const kills: string[] = [];
    const context = () => `KILL_SEED=${random.seed}, killed at: ${kills.join(', ') || 'nothing yet'}`;
    const start = () => {
      const p = startPulseProcess(['projector', ...PROJECTIONS], { ...env.overrides, LOG_LEVEL: 'debug' });
      processes.add(p);
      return p;
    };
    const flow = await checkFlow(rt, { integrations: 24, size: 20 });
    // The survivor counts the partitions it is handed: proof that they moved while it worked.
    const survivor = start();
    let survivorAssignments = 0;
    survivor.onLog((l) => {
      if (l.msg === 'partitions assigned') survivorAssignments++;
    });
    let victim: PulseProcess | undefined;
    try {
      for (let k = 0; k < 3; k++) {
        const point = ['projector batch in hand', 'projector batch applied, not committed'][Math.floor(random.next() * 2)] as string;
        const nth = 1 + Math.floor(random.next() * 3);
        victim = start();
        const proc = victim;
        let seen = 0;
        const moment = proc.logged((l) => l.msg === point && Number(l.records) > 0 && ++seen === nth, 120_000);
        moment.catch(() => undefined);
        // Events flow once the victim holds partitions (the survivor would have eaten any backlog
        // while it started), back-pressured by the sends and bounded.
        let running: { stop(): Promise<void> } | undefined;
        try {
          await proc.logged((l) => l.msg === 'partitions assigned' && (l.partitions as number[]).length > 0, 90_000);
          running = flow.flow(300);
          await moment.catch((err: Error) => {
            throw new Error(`${err.message} (${context()})`);
          });
        } finally {
          await kill(proc);
          await running?.stop();
        }
        processes.delete(proc);
        kills.push(`${point} #${nth}`);
        expect(survivor.exited(), `the survivor is still running (${context()})`).to.equal(undefined);
      }
      // Back once more, with events still flowing, and both settle the rest.
      victim = start();
      await victim.logged((l) => l.msg === 'partitions assigned', 90_000);
      for (let i = 0; i < 10; i++) await flow.round();
      await settle(flow, context());
      // Joined alone (once per projection), then handed partitions again at least once per kill
      // (the victim had joined the group of the batch it held). A kill and the restart after it
      // may fall into one rebalance, so no more than that is certain.
      expect(survivorAssignments, `the survivor's partitions moved around each kill (${context()})`).to.be.at.least(PROJECTIONS.length + kills.length);
    } finally {
      await flow.close();
    }
    await Promise.all([survivor, victim!].map((p) => kill(p, 'SIGTERM')));
  });
});
