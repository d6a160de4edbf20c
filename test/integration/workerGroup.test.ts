import { expect } from 'chai';
import kafkajs from 'kafkajs';
import { loadConfig } from '../../platform/config.js';
import { topicsFor } from '../../platform/topics.js';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { kill, startPulseProcess, type PulseProcess } from '../support/processes.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('check workers share the integrations (consumer group) and take over from each other', function () {
  this.timeout(120_000);
  let target: HttpTarget;
  let pulse: RunningPulse;
  const workers: PulseProcess[] = [];
  const endpoints = Array.from({ length: 12 }, (_, i) => `svc-${i}`);

  before(async () => {
    target = await startHttpTarget();
    pulse = await startPulse({ roles: ['api', 'projectors'] });
  });
  after(async () => {
    for (const w of workers) await kill(w);
    await pulse?.stop();
    await target?.close();
  });

  async function members(): Promise<number[][]> {
    const config = loadConfig();
    const admin = new kafkajs.Kafka({ brokers: config.kafka.brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([topicsFor(config).group('pulse-check-workers')]);
      return (groups[0]?.members ?? []).map((m) => {
        const a = kafkajs.AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
        return Object.values(a?.assignment ?? {}).flat() as number[];
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** Hits per endpoint during `ms`. */
  async function hitsDuring(ms: number): Promise<number[]> {
    const before = endpoints.map((e) => target.hits(e));
    await sleep(ms);
    return endpoints.map((e, i) => target.hits(e) - (before[i] as number));
  }

  it('checks each integration once per interval with two workers, and keeps checking all after one is killed', async () => {
    workers.push(startPulseProcess(['worker']), startPulseProcess(['worker']));
    const token = pulse.tokenFor('group-user');
    for (const e of endpoints) {
      const r = await pulse.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: e, config: { url: `${target.url}/${e}` }, checkIntervalSeconds: 1 } });
      expect(r.status).to.equal(202);
    }
    await eventually(async () => {
      const m = await members();
      return m.length === 2 && m.every((parts) => parts.length > 0);
    }, 'both workers to own partitions', 60_000, 500);
    await eventually(async () => endpoints.every((e) => target.hits(e) > 2), 'every integration checked', 30_000);

    // Every integration is checked about once a second: by one worker, not both.
    const shared = await hitsDuring(4_000);
    for (const [i, n] of shared.entries()) expect(n, endpoints[i]).to.be.within(2, 6);

    await kill(workers[0] as PulseProcess);
    await eventually(async () => (await members()).length === 1, 'the group to shrink to the surviving worker', 60_000, 500);
    await sleep(1_500); // let the survivor rebuild its schedule from the log
    const after = await hitsDuring(4_000);
    for (const [i, n] of after.entries()) expect(n, endpoints[i]).to.be.within(2, 6);
    expect((workers[1] as PulseProcess).exited()).to.equal(undefined);
  });
});
