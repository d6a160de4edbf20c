// Alerting end to end on the real stack: rules and webhooks through the admin API, checks on
// Kafka, the evaluator's transactions, the notifier's digests to a real SMTP server
// (smtp-server) and a real HTTP receiver that verifies Standard Webhooks signatures.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { HealthChecked, LifecycleEvent } from '../../platform/events.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { startReceiver, startSmtp } from '../support/alertSinks.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { kill, startPulseProcess } from '../support/processes.js';
import { decodeAll, readTopic } from '../support/topicReader.js';

describe('alerting', function () {
  this.timeout(180_000);
  let pulse: RunningPulse;
  let alerting: RunningPulse;
  let admin: AdminCall;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhookSecret = '';
  let webhookId = '';

  before(async () => {
    smtp = await startSmtp();
    receiver = await startReceiver(() => webhookSecret);
    pulse = await startPulse({ roles: ['projectors', 'api'], overrides: alertingSettings() });
    alerting = await startPulse({ roles: ['alerts'], overrides: alertingSettings() });
    admin = await adminSession(pulse);
    const created = await admin('POST', '/api/admin/webhooks', { body: { name: 'ops receiver', url: receiver.url } });
    expect(created.status, created.text).to.equal(201);
    webhookSecret = created.body.secret;
    webhookId = created.body.id;
    expect(created.body.urlOrigin).to.equal(new URL(receiver.url).origin);
    await eventually(async () => (await admin('GET', '/api/admin/webhooks')).body.webhooks.some((w: any) => w.id === webhookId), 'webhook projected');
  });

  after(async () => {
    await alerting?.stop();
    await pulse?.stop();
    receiver?.server.close();
    await smtp?.close();
  });

  function alertingSettings() {
    return { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ALERT_DIGEST_SECONDS: '2', ALERT_TICK_SECONDS: '1', WEBHOOK_ALLOW_PRIVATE: '127.0.0.1' };
  }

  const publish = async (events: (HealthChecked | LifecycleEvent)[]) => {
    const producer = await pulse.rt.kafka.producer();
    for (const e of events) await producer.send(e.type === 'HealthChecked' ? pulse.rt.topics.checks : pulse.rt.topics.lifecycle, [await pulse.rt.codec.encode(e)]);
    await producer.close();
  };
  const connected = (integrationId: string, userId: string, provider = 'http', occurredAt = Date.now() - 600_000): LifecycleEvent => ({
    type: 'IntegrationConnected', eventId: randomUUID(), integrationId, userId, occurredAt, provider, displayName: `${provider} ${integrationId.slice(0, 4)}`, checkIntervalSeconds: 60, config: {},
  });
  const failures = (integrationId: string, userId: string, n: number, at: number, provider = 'http') =>
    Array.from({ length: n }, (_, i) => aFailedCheck('server_error', { integrationId, userId, provider, startedAt: at + i * 1000 }));
  const alertsOf = async (ruleId: string) => (await admin('GET', `/api/admin/alerts?limit=200&ruleId=${ruleId}`)).body.alerts;
  const createRule = async (rule: Record<string, unknown>) => {
    const res = await admin('POST', '/api/admin/alert-rules', { body: rule });
    expect(res.status, res.text).to.equal(202);
    await eventually(async () => (await admin('GET', `/api/admin/alert-rules/${res.body.id}`)).status === 200, 'rule projected');
    return res.body.id as string;
  };
  const transitionsOnTopic = async () => (await decodeAll(pulse.rt.config, await readTopic(pulse.rt.config, pulse.rt.topics.alerts)));

  it('opens one alert per integration, sends simultaneous ones as one digest, escalates only what nobody acknowledged, and reports recovery', async () => {
    const ruleId = await createRule({
      name: 'two failures in a row', kind: 'consecutive_failures', params: { failures: 2 }, enabled: true, severity: 'critical', provider: 'http',
      cooldownSeconds: 600, escalateAfterSeconds: 60, channels: [{ type: 'email', to: ['ops@example.com'] }, { type: 'webhook', webhookId }],
      escalationChannels: [{ type: 'email', to: ['boss@example.com'] }], notifyOwner: false,
    });
    const [a, b] = [randomUUID(), randomUUID()];
    // Escalation falls due 60 s after the alerts open (the shortest delay a rule accepts).
    const at = Date.now() - 5_000;
    await publish([connected(a, 'user-a'), connected(b, 'user-b'), ...failures(a, 'user-a', 4, at), ...failures(b, 'user-b', 4, at)]);

    // Integrations of earlier suites in this run may match the new rule too: look at ours.
    const ours = async () => (await alertsOf(ruleId)).filter((x: any) => [a, b].includes(x.scope.integrationId));
    const open = await eventually(async () => {
      const list = await ours();
      return list.length === 2 ? list : null;
    }, 'both alerts open');
    expect(open.map((x: any) => x.scope.integrationId).sort()).to.deep.equal([a, b].sort());
    const alertA = open.find((x: any) => x.scope.integrationId === a);
    const ack = await admin('POST', `/api/admin/alerts/${alertA.alertId}/ack`, { body: { note: 'on it' } });
    expect(ack.status, ack.text).to.equal(202);

    // One digest per channel with both alerts in it.
    const opsMail = await eventually(async () => smtp.mails.find((m) => m.to.includes('ops@example.com')), 'digest mail to ops');
    expect(opsMail.raw).to.include(a.slice(0, 4)).and.to.include(b.slice(0, 4));
    const hook = await eventually(async () => receiver.hooks.find((h) => h.body.alerts?.some((x: any) => x.ruleId === ruleId)), 'digest webhook');
    expect(hook.verified, 'signature verifies').to.equal(true);
    expect(hook.body.alerts.filter((x: any) => x.ruleId === ruleId && [a, b].includes(x.scope.integrationId))).to.have.length(2);

    // Escalation: the unacknowledged alert reaches the second recipients, the acknowledged one does not.
    const bossMail = await eventually(async () => smtp.mails.find((m) => m.to.includes('boss@example.com')), 'escalation mail', 90_000);
    expect(bossMail.raw).to.include(b.slice(0, 4));
    await eventually(async () => (await ours()).find((x: any) => x.scope.integrationId === b)?.escalatedAt, 'B escalated');
    const afterEscalation = await ours();
    expect(afterEscalation.find((x: any) => x.scope.integrationId === a).escalatedAt, 'acknowledged alert never escalates').to.equal(null);
    expect(afterEscalation.find((x: any) => x.scope.integrationId === a).acknowledgedBy).to.equal(admin.email);

    // Recovery resolves both and says so on the same channels.
    await publish([aCheck({ integrationId: a, userId: 'user-a', startedAt: Date.now() }), aCheck({ integrationId: b, userId: 'user-b', startedAt: Date.now() })]);
    await eventually(async () => (await ours()).every((x: any) => x.status === 'resolved'), 'both resolved');
    await eventually(async () => receiver.hooks.find((h) => h.body.alerts?.some((x: any) => x.ruleId === ruleId && x.kind === 'resolved')), 'resolution webhook');

    // Cooldown: failing again at once opens nothing new.
    await publish(failures(a, 'user-a', 3, Date.now()));
    await new Promise((r) => setTimeout(r, 4_000));
    expect((await alertsOf(ruleId)).filter((x: any) => x.scope.integrationId === a)).to.have.length(1);

    // On the topic: each transition exactly once.
    const events = (await transitionsOnTopic()).filter((e: any) => {
      const raised = e.payload?.['pulse.alerts.AlertRaised']?.alert;
      return raised?.ruleId === ruleId && [a, b].includes(raised.scope.integrationId);
    });
    expect(events.map((e: any) => `${e.eventId} ${new Date(e.occurredAt).toISOString()}`), 'raised once per integration').to.have.length(2);
    // Other suites share this run's topics: leave no rule behind.
    expect((await admin('DELETE', `/api/admin/alert-rules/${ruleId}`)).status).to.equal(202);

    // The same rule, backtested over the stored history, finds what it fired for these two.
    const rule = (await admin('GET', '/api/admin/alert-rules')).body.rules.find((r: any) => r.id === 'default-integration-red');
    const { id: _id, updatedAt: _u, updatedBy: _b, ...asInput } = rule;
    const bt = await admin('POST', '/api/admin/alert-rules/backtest', { body: { rule: { ...asInput, kind: 'consecutive_failures', params: { failures: 2 }, provider: 'http' }, days: 1 } });
    expect(bt.status, bt.text).to.equal(200);
    const scopes = bt.body.transitions.filter((t: any) => t.type === 'AlertRaised').map((t: any) => t.scope.integrationId);
    expect(scopes).to.include.members([a, b]);
    expect(bt.body.summary.raised).to.be.at.least(2);
    const badBacktest = await admin('POST', '/api/admin/alert-rules/backtest', { body: { rule: { ...asInput, kind: 'consecutive_failures', params: { failures: 0 } } } });
    expect(badBacktest.status).to.equal(400);
    expect(badBacktest.body.error.fields).to.have.property('rule.params.failures');
  });

  it('opens one provider incident when many users of one provider fail together, holding back their own alerts', async () => {
    const since = Date.now() - 60_000;
    const users = ['u1', 'u2', 'u3'];
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const at = Date.now() - 5_000;
    await publish(ids.map((id, i) => connected(id, users[i % 3] as string, 'gmail')));
    // One failure each first: the incident opens before anyone is red.
    await publish(ids.flatMap((id, i) => failures(id, users[i % 3] as string, 1, at, 'gmail')));
    const incident = await eventually(async () => (await admin('GET', '/api/admin/alerts?provider=gmail&ruleKind=provider_incident')).body.alerts[0], 'provider incident');
    expect(incident.scope.type).to.equal('provider');
    await publish(ids.flatMap((id, i) => failures(id, users[i % 3] as string, 3, at + 2_000, 'gmail')));
    await new Promise((r) => setTimeout(r, 4_000));
    const gmail = (await admin('GET', '/api/admin/alerts?provider=gmail&limit=200')).body.alerts.filter((x: any) => x.scope.type === 'provider' || ids.includes(x.scope.integrationId));
    expect(gmail.filter((x: any) => x.ruleKind === 'provider_incident' && Date.parse(x.openedAt) >= since)).to.have.length(1);
    expect(gmail.filter((x: any) => x.scope.type === 'integration' && ids.includes(x.scope.integrationId)), 'per-integration alerts held back').to.have.length(0);
    // The users are told it is not theirs to fix.
    const told = await pulse.api('GET', '/api/integrations/incidents', { token: pulse.tokenFor('u1') });
    expect(told.status).to.equal(200);
    expect(told.body.incidents.map((i: any) => i.message)).to.deep.equal(['Gmail is having problems; nothing for you to do. We will tell you when it recovers.']);
    const unaffected = await pulse.api('GET', '/api/integrations/incidents', { token: pulse.tokenFor('someone-else') });
    expect(unaffected.body.incidents).to.deep.equal([]);
  });

  it('refuses a webhook to a private address unless allow-listed', async () => {
    for (const url of ['http://10.1.2.3/hook', 'http://169.254.169.254/latest', 'http://[::1]:9/x', 'http://[::ffff:127.0.0.2]/x', 'ftp://example.com/x']) {
      const res = await admin('POST', '/api/admin/webhooks', { body: { name: 'bad', url } });
      expect(res.status, url).to.equal(400);
      expect(res.body.error.fields.url, url).to.be.a('string');
    }
  });

  it('sends a test notification and audits it, with no secret in the answer', async () => {
    const res = await admin('POST', '/api/admin/notifications/test', { body: { channel: { type: 'webhook', webhookId } } });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.outcome).to.equal('sent');
    expect(res.text).not.to.include(webhookSecret);
    const audited = await eventually(async () => (await admin('GET', '/api/admin/audit?action=notification.test')).body.entries[0], 'audited');
    expect(audited.actor).to.equal(admin.email);
  });

  it('killing the evaluator and notifier mid-stream (SIGKILL) writes no transition twice, loses none, and delivers each under one webhook-id', async function () {
    this.timeout(300_000);
    // Real processes, killed without warning while checks keep arriving.
    await alerting.stop();
    const ruleId = await createRule({
      name: 'mcp down', kind: 'consecutive_failures', params: { failures: 2 }, enabled: true, severity: 'warning', provider: 'mcp',
      cooldownSeconds: 0, escalateAfterSeconds: null, channels: [{ type: 'webhook', webhookId }], escalationChannels: [], notifyOwner: false,
    });
    // Two users only: a provider incident (three users at least) must not hold these back.
    const ids = Array.from({ length: 12 }, () => randomUUID());
    const user = (i: number) => `mcp-user-${i % 2}`;
    await publish(ids.map((id, i) => connected(id, user(i), 'mcp')));
    let proc = startPulseProcess(['alerts'], alertingSettings());
    // Topics are not ordered among themselves: let the new process learn the rule before checks arrive.
    await eventually(async () => (await pulse.rt.db.query('SELECT 1 FROM alert_evaluator_state WHERE key = $1', [`rule:${ruleId}`])).rowCount === 1, 'rule known to the evaluator', 60_000);
    try {
      for (let round = 0; round < 3; round++) {
        const at = Date.now();
        const batch = ids.slice(round * 4, round * 4 + 4);
        // Each integration fails three times, then recovers: one raise and one resolve each.
        await publish(batch.flatMap((id) => [
          ...failures(id, user(ids.indexOf(id)), 3, at, 'mcp'),
          aCheck({ integrationId: id, userId: user(ids.indexOf(id)), provider: 'mcp', startedAt: at + 10_000 }),
        ]));
        await new Promise((r) => setTimeout(r, 1_500 + Math.floor(Math.random() * 2_500)));
        await kill(proc);
        proc = startPulseProcess(['alerts'], alertingSettings());
      }
      await eventually(async () => {
        const list = await alertsOf(ruleId);
        return list.length === 12 && list.every((x: any) => x.status === 'resolved');
      }, 'twelve alerts raised and resolved', 120_000);
      const onTopic = (await transitionsOnTopic()).filter((e: any) => (Object.values(e.payload ?? {})[0] as any)?.alert?.ruleId === ruleId);
      expect(onTopic, 'each transition written once').to.have.length(24);
      expect(new Set(onTopic.map((e: any) => e.eventId)).size).to.equal(24);

      // A receiver dedupes on webhook-id (Standard Webhooks): every transition arrives, under one id only.
      const idsOf = await eventually(async () => {
        const byTransition = new Map<string, Set<string>>();
        for (const h of receiver.hooks) {
          for (const a of h.body.alerts ?? []) if (a.ruleId === ruleId) byTransition.set(a.transitionId, (byTransition.get(a.transitionId) ?? new Set()).add(h.id));
        }
        return byTransition.size === 24 ? byTransition : null;
      }, 'all 24 transitions delivered', 120_000);
      for (const [transitionId, hookIds] of idsOf) expect(hookIds.size, transitionId).to.equal(1);
    } finally {
      await kill(proc);
      alerting = await startPulse({ roles: ['alerts'], overrides: alertingSettings() });
    }
  });
});
