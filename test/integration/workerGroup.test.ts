// Two worker processes share the integrations through their consumer group: each integration
// is checked by exactly one of them, and when one is killed the survivor takes over all of
// them. Which process ran a check is read from its own log ("check published", per pid), so
// the test proves "one worker, not both" without counting hits over a time window. The suite
// has its own database and topics: its own group, and no other suite's integrations.
import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { topicsFor } from '../../platform/topics.js';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { kill, startPulseProcess, type PulseProcess } from '../support/processes.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { reachEntries } from '../support/egress.js';

interface Worker {
  proc: PulseProcess;
  /** Checks this process has published, per integration id. */
  checks: Map<string, number>;
  /** Lifecycle partitions of its latest assignment (undefined until it has one). */
  partitions?: number[];
}

describe('check workers share the integrations (consumer group) and take over from each other', function () {
  this.timeout(400_000); // process starts take long on a busy machine
  let env: OwnEnvironment;
  let target: HttpTarget;
  let pulse: RunningPulse;
  const workers: Worker[] = [];
  let assignments = 0; // 'partitions assigned' lines seen, from any worker
  const endpoints = Array.from({ length: 12 }, (_, i) => `svc-${i}`);

  before(async () => {
    env = await ownEnvironment('worker group');
    target = await startHttpTarget();
    pulse = await startPulse({ roles: ['api'], overrides: env.overrides, reach: [target.url] });
  });
  after(async () => {
    for (const w of workers) await kill(w.proc, 'SIGTERM');
    await pulse?.stop();
    await target?.close();
    await env?.drop();
  });

  function startWorker(): Worker {
    const w: Worker = { proc: startPulseProcess(['worker'], { ...env.overrides, EGRESS_ALLOW: reachEntries([target.url]), LOG_LEVEL: 'debug' }), checks: new Map() };
    w.proc.onLog((line) => {
      if (line.msg === 'check published') {
        const id = line.integrationId as string;
        w.checks.set(id, (w.checks.get(id) ?? 0) + 1);
      } else if (line.msg === 'partitions assigned' && line.component === 'check-worker') {
        w.partitions = line.partitions as number[];
        assignments++;
      }
    });
    workers.push(w);
    return w;
  }

  async function groupMembers(): Promise<number> {
    const config = env.config();
    const admin = new kafkajs.Kafka({ brokers: config.kafka.brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([topicsFor(config).group('pulse-check-workers')]);
      return groups[0]?.state === 'Stable' ? groups[0].members.length : -1;
    } finally {
      await admin.disconnect();
    }
  }

  /** Every partition owned by exactly one of `ws`, as each of them has applied it. */
  function assignmentsSettled(ws: Worker[]): boolean {
    const owned = ws.flatMap((w) => w.partitions ?? []);
    const partitions = env.config().kafka.partitions;
    return ws.every((w) => w.partitions?.length) && owned.length === partitions && new Set(owned).size === partitions;
  }

  const snapshot = (w: Worker, ids: string[]) => ids.map((id) => w.checks.get(id) ?? 0);
  const since = (w: Worker, ids: string[], before: number[]) => ids.map((id, i) => (w.checks.get(id) ?? 0) - (before[i] as number));

  it('checks each integration by exactly one of two workers, and all of them by the survivor after one is killed', async () => {
    const [a, b] = [startWorker(), startWorker()];
    await Promise.all([a, b].map((w) => w.proc.logged((line) => line.msg === 'check worker started', 180_000)));
    const token = pulse.tokenFor('group-user');
    const ids: string[] = [];
    for (const e of endpoints) {
      const r = await pulse.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: e, config: { url: `${target.url}/${e}` }, checkIntervalSeconds: 1 } });
      expect(r.status).to.equal(202);
      ids.push(r.body.id);
    }
    await eventually(async () => (await groupMembers()) === 2 && assignmentsSettled([a, b]), 'both workers to own (and have applied) disjoint partitions', 60_000, 250);

    // Rounds of checks under one assignment: if the group rebalances meanwhile (a member that
    // missed its heartbeats on a very busy machine), the window says nothing and is taken again.
    const rounds = async (n: number, what: string): Promise<[number[], number[]]> => {
      const before = [snapshot(a, ids), snapshot(b, ids)];
      await eventually(async () => ids.every((_, i) => (since(a, ids, before[0]!)[i]! + since(b, ids, before[1]!)[i]!) >= n), what, 60_000);
      return [since(a, ids, before[0]!), since(b, ids, before[1]!)];
    };
    let byA: number[] = [];
    let byB: number[] = [];
    let partitionsSeen = '';
    for (let attempt = 1; ; attempt++) {
      const generation = assignments;
      partitionsSeen = `a: ${a.partitions}, b: ${b.partitions}`;
      // Let any check started under an earlier assignment finish: two more rounds everywhere…
      await rounds(2, 'every integration checked twice more');
      // …then, over the next three rounds of every integration, only one of the two runs it.
      [byA, byB] = await rounds(3, 'every integration checked three more times');
      if (assignments === generation) break;
      expect(attempt, 'the group kept rebalancing').to.be.lessThan(3);
      await eventually(async () => (await groupMembers()) === 2 && assignmentsSettled([a, b]), 'both workers to own partitions again', 60_000, 250);
    }
    for (const [i, id] of ids.entries()) {
      expect(byA[i]! === 0 || byB[i]! === 0, `${endpoints[i]} (${id}) checked by both workers: ${byA[i]} and ${byB[i]} (${partitionsSeen})`).to.equal(true);
    }
    expect(byA.some((n) => n > 0) && byB.some((n) => n > 0), `both workers do part of the work (${partitionsSeen})`).to.equal(true);

    // The survivor takes over every integration, including those of the killed worker.
    await kill(a.proc);
    await eventually(async () => (await groupMembers()) === 1 && assignmentsSettled([b]), 'the survivor to own every partition', 60_000, 250);
    const taken = snapshot(b, ids);
    await eventually(async () => since(b, ids, taken).every((n) => n >= 3), 'the survivor to check every integration three times', 60_000)
      .catch((err: Error) => { throw new Error(`${err.message}; survivor's checks since take-over: ${since(b, ids, taken).join(',')}`); });
    expect(b.proc.exited()).to.equal(undefined);
  });
});
