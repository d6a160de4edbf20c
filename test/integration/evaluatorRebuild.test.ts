// The evaluator's rebuild path (consumers/evaluatorStates.ts: active → rebuilding → standby →
// activating → active) on the real stack: another producer takes the evaluator's transactional
// id, so its next Kafka transaction is fenced and fails. It must throw its memory away, rejoin
// the group, rebuild from snapshot + log, and carry on: alerts
// raised afterwards are raised exactly once, and none raised before is raised again.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { HealthChecked, LifecycleEvent } from '../../health/events.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { aFailedCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { kill, startPulseProcess, type PulseProcess } from '../support/processes.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { caughtUp } from '../support/signals.js';
import { decodeAll, readTopic } from '../support/topicReader.js';

describe('alert evaluator rebuild after a fenced transaction', function () {
  this.timeout(180_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let evaluator: PulseProcess | undefined;
  let admin: AdminCall;

  before(async () => {
    env = await ownEnvironment('evaluator_rebuild');
    pulse = await startPulse({ roles: ['projectors', 'api'], overrides: { ...env.overrides, ALERT_TICK_SECONDS: '1' } });
    admin = await adminSession(pulse);
  });

  after(async () => {
    if (evaluator) await kill(evaluator);
    await pulse?.stop();
    await env?.drop();
  });

  const publish = async (events: (HealthChecked | LifecycleEvent)[]) => {
    const producer = await pulse.rt.kafka.producer();
    for (const e of events) await producer.send(e.type === 'HealthChecked' ? pulse.rt.topics.checks : pulse.rt.topics.lifecycle, [await pulse.rt.codec.encode(e)]);
    await producer.close();
  };
  // One user for all: failures of three users or more of one provider open a provider
  // incident (a default rule) that holds these alerts back.
  const userId = `rebuild-user-${randomUUID().slice(0, 8)}`;
  const connected = (integrationId: string): LifecycleEvent => ({
    type: 'IntegrationConnected', eventId: randomUUID(), integrationId, userId, occurredAt: Date.now() - 600_000,
    provider: 'http', displayName: `http ${integrationId.slice(0, 4)}`, checkIntervalSeconds: 60, config: {},
  });
  /** Topics are not ordered among themselves: checks only once the evaluator has read the connections. */
  const connectThenFail = async (ids: string[]) => {
    await publish(ids.map(connected));
    await caughtUp(pulse.rt, { group: pulse.rt.topics.group('pulse-alert-evaluator') }, [pulse.rt.topics.lifecycle]);
    await publish(ids.flatMap(failTwice));
  };
  const failTwice = (integrationId: string) => Array.from({ length: 2 }, (_, i) =>
    aFailedCheck('server_error', { integrationId, userId, provider: 'http', startedAt: Date.now() + i * 1000 }));
  const raisedFor = async (ruleId: string) => (await decodeAll(pulse.rt.config, await readTopic(pulse.rt.config, pulse.rt.topics.alerts)))
    .filter((e: any) => Object.keys(e.payload ?? {})[0]?.endsWith('AlertRaised'))
    .map((e: any) => (Object.values(e.payload)[0] as any).alert)
    .filter((alert: any) => alert.ruleId === ruleId)
    .map((alert: any) => alert.scope.integrationId as string);

  it('throws its memory away, rejoins and raises each alert once', async () => {
    const rule = await admin('POST', '/api/admin/alert-rules', { body: {
      name: 'two failures', kind: 'consecutive_failures', params: { failures: 2 }, enabled: true, severity: 'warning', provider: 'http',
      cooldownSeconds: 0, escalateAfterSeconds: null, channels: [], escalationChannels: [], notifyOwner: false,
    } });
    expect(rule.status, rule.text).to.equal(202);
    const ruleId = rule.body.id as string;
    evaluator = startPulseProcess(['alerts'], { ...env.overrides, ALERT_TICK_SECONDS: '1', LOG_LEVEL: 'debug' });
    await eventually(async () => (await pulse.rt.db.query('SELECT 1 FROM alert_evaluator_state WHERE key = $1', [`rule:${ruleId}`])).rowCount === 1, 'rule in the evaluator snapshot', 90_000);

    const before = [randomUUID(), randomUUID()];
    await connectThenFail(before);
    await eventually(async () => (await raisedFor(ruleId)).length === 2 || undefined, 'alerts raised before the fence', 60_000);

    // Same transactional id as the evaluator: its first transaction bumps the epoch, so the
    // evaluator's next commit (the ticks alone make one about every second) is fenced.
    const groupId = pulse.rt.topics.group('pulse-alert-evaluator');
    const rebuilding = evaluator.logged((l) => l.msg === 'alert evaluator rebuilding from the log', 60_000);
    const reactivated = rebuilding.then(() => evaluator!.logged((l) => l.msg === 'alert evaluator active', 60_000));
    const intruder = await pulse.rt.kafka.transactionalProducer(groupId);
    try {
      await intruder.commit([]);
      await rebuilding;
      await reactivated;
    } finally {
      await intruder.close().catch(() => undefined);
    }

    const after = [randomUUID(), randomUUID(), randomUUID()];
    await connectThenFail(after);
    const raised = await eventually(async () => {
      const list = await raisedFor(ruleId);
      return list.length >= 5 ? list : undefined;
    }, 'alerts raised after the rebuild', 90_000);
    expect([...raised].sort(), 'each integration raised once, before and after the rebuild').to.deep.equal([...before, ...after].sort());
  });
});
