// Alerting end to end on the real stack: rules and webhooks through the admin API, checks on
// Kafka, the evaluator's transactions, the notifier's digests to a real SMTP server
// (smtp-server) and a real HTTP receiver that verifies Standard Webhooks signatures.
// Rules and provider incidents are global to an evaluator: the suite has a database, topics
// and evaluator of its own (ownEnvironment), so nothing of another suite matches its rules.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Partitioners } from 'kafkajs';
import type { HealthChecked, LifecycleEvent } from '../../health/events.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { startReceiver, startSmtp } from '../support/alertSinks.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { reachEntries } from '../support/egress.js';
import { kill, seededRandom, startPulseProcess, type PulseProcess } from '../support/processes.js';
import { caughtUp, endOffsets } from '../support/signals.js';
import { decodeAll, readTopic } from '../support/topicReader.js';

describe('alerting', function () {
  this.timeout(180_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let alerting: RunningPulse | undefined;
  let admin: AdminCall;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhookSecret = '';
  let webhookId = '';

  before(async () => {
    env = await ownEnvironment('alerting');
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

  // Processes a test started, stopped here too should the test itself time out.
  const processes = new Set<PulseProcess>();
  const started = (p: PulseProcess) => (processes.add(p), p);

  after(async () => {
    for (const p of processes) await kill(p);
    await alerting?.stop();
    await pulse?.stop();
    receiver?.server.close();
    await smtp?.close();
    await env?.drop();
  });

  function alertingSettings(): Record<string, string> {
    return { ...env.overrides, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ALERT_DIGEST_SECONDS: '2', ALERT_TICK_SECONDS: '1', EGRESS_ALLOW: reachEntries([receiver.url]) };
  }

  const publish = async (events: (HealthChecked | LifecycleEvent)[]) => {
    const producer = await pulse.rt.kafka.producer();
    for (const e of events) await producer.send(e.type === 'HealthChecked' ? pulse.rt.topics.checks : pulse.rt.topics.lifecycle, [await pulse.rt.codec.encode(e)]);
    await producer.close();
  };
  /** Checks sent in ONE request to one partition: one record batch, so one evaluator batch and one transaction. */
  const publishTogether = async (checks: HealthChecked[]) => {
    const partitions = new Set(await Promise.all(checks.map((c) => partitionOf(c.integrationId))));
    expect(partitions.size, 'checks sent together share a partition').to.equal(1);
    const producer = await pulse.rt.kafka.producer();
    await producer.send(pulse.rt.topics.checks, await Promise.all(checks.map((c) => pulse.rt.codec.encode(c))));
    await producer.close();
  };
  /** The checks partition of an integration, as the producer's partitioner picks it (murmur2 of the key). */
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionOf = async (integrationId: string) => {
    const n = (await pulse.rt.kafka.partitionOffsets(pulse.rt.topics.checks)).length;
    const partitionMetadata = Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0 }));
    return partitioner({ topic: pulse.rt.topics.checks, partitionMetadata: partitionMetadata as never, message: { key: integrationId, value: null } });
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
  /**
   * Proves "nothing (more) happened": a sentinel check after the events under test, the
   * evaluator group's committed offsets past it (the evaluator commits inside its Kafka
   * transactions, lazily within about a second when a batch writes nothing), then the alerts
   * projection past everything the evaluator wrote until then.
   */
  const evaluatorSettled = async () => {
    await publish([aCheck({ integrationId: `sentinel-${randomUUID()}`, userId: 'sentinel', startedAt: Date.now() })]);
    await caughtUp(pulse.rt, { group: pulse.rt.topics.group('pulse-alert-evaluator') }, [pulse.rt.topics.checks, pulse.rt.topics.lifecycle]);
    await caughtUp(pulse.rt, { projection: 'alerts' }, [pulse.rt.topics.alerts]);
  };
  const transitionsOnTopic = async () => (await decodeAll(pulse.rt.config, await readTopic(pulse.rt.config, pulse.rt.topics.alerts)));

  it('opens one alert per integration, sends simultaneous ones as one digest, escalates only what nobody acknowledged, and reports recovery', async () => {
    const ruleId = await createRule({
      name: 'two failures in a row', kind: 'consecutive_failures', params: { failures: 2 }, enabled: true, severity: 'critical', provider: 'http',
      cooldownSeconds: 600, escalateAfterSeconds: 60, channels: [{ type: 'email', to: ['ops@example.com'] }, { type: 'webhook', webhookId }],
      escalationChannels: [{ type: 'email', to: ['boss@example.com'] }], notifyOwner: false,
    });
    // Simultaneous by construction, not by timing: both integrations' failures go to one
    // partition in one record batch, so both alerts open in one evaluator transaction and are
    // queued for the notifier together (well within the digest window).
    const a = randomUUID();
    let b = randomUUID();
    while ((await partitionOf(b)) !== (await partitionOf(a))) b = randomUUID();
    // Escalation falls due 60 s after the alerts open (the shortest delay a rule accepts).
    const at = Date.now() - 5_000;
    await publish([connected(a, 'user-a'), connected(b, 'user-b')]);
    await publishTogether([...failures(a, 'user-a', 4, at), ...failures(b, 'user-b', 4, at)]);

    const ours = () => alertsOf(ruleId);
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
    expect(hook.body.alerts.filter((x: any) => x.ruleId === ruleId).map((x: any) => x.scope.integrationId).sort()).to.deep.equal([a, b].sort());

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

    // Cooldown: failing again at once opens nothing new (once the evaluator is past the failures).
    await publish(failures(a, 'user-a', 3, Date.now()));
    await evaluatorSettled();
    expect((await alertsOf(ruleId)).filter((x: any) => x.scope.integrationId === a)).to.have.length(1);

    // On the topic: each transition exactly once.
    const events = (await transitionsOnTopic()).filter((e: any) => e.payload?.['pulse.alerts.AlertRaised']?.alert?.ruleId === ruleId);
    expect(events.map((e: any) => `${e.eventId} ${new Date(e.occurredAt).toISOString()}`), 'raised once per integration').to.have.length(2);
    // Rules can go; the later tests here have no use for this one.
    expect((await admin('DELETE', `/api/admin/alert-rules/${ruleId}`)).status).to.equal(202);

    // The same rule, backtested over the stored history, finds what it fired for these two.
    const rule = (await admin('GET', '/api/admin/alert-rules')).body.rules.find((r: any) => r.id === 'default-integration-red');
    const { id: _id, updatedAt: _u, updatedBy: _b, ...asInput } = rule;
    const bt = await admin('POST', '/api/admin/alert-rules/backtest', { body: { rule: { ...asInput, kind: 'consecutive_failures', params: { failures: 2 }, provider: 'http' }, days: 1 } });
    expect(bt.status, bt.text).to.equal(200);
    const scopes = bt.body.transitions.filter((t: any) => t.type === 'AlertRaised').map((t: any) => t.scope.integrationId);
    expect(scopes.sort()).to.deep.equal([a, b].sort());
    expect(bt.body.summary.raised).to.equal(2);
    const badBacktest = await admin('POST', '/api/admin/alert-rules/backtest', { body: { rule: { ...asInput, kind: 'consecutive_failures', params: { failures: 0 } } } });
    expect(badBacktest.status).to.equal(400);
    expect(badBacktest.body.error.fields).to.have.property('rule.params.failures');
  });

  it('opens one provider incident when many users of one provider fail together, holding back their own alerts', async () => {
    const users = ['u1', 'u2', 'u3'];
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const at = Date.now() - 5_000;
    await publish(ids.map((id, i) => connected(id, users[i % 3] as string, 'gmail')));
    // One failure each first: the incident opens before anyone is red.
    await publish(ids.flatMap((id, i) => failures(id, users[i % 3] as string, 1, at, 'gmail')));
    const incident = await eventually(async () => (await admin('GET', '/api/admin/alerts?provider=gmail&ruleKind=provider_incident')).body.alerts[0], 'provider incident');
    expect(incident.scope.type).to.equal('provider');
    // Red by now (four failures each), yet nothing of theirs opens: proven once the evaluator is past them.
    await publish(ids.flatMap((id, i) => failures(id, users[i % 3] as string, 3, at + 2_000, 'gmail')));
    await evaluatorSettled();
    const gmail = (await admin('GET', '/api/admin/alerts?provider=gmail&limit=200')).body.alerts;
    expect(gmail.filter((x: any) => x.ruleKind === 'provider_incident').map((x: any) => x.alertId)).to.deep.equal([incident.alertId]);
    expect(gmail.filter((x: any) => x.scope.type === 'integration'), 'per-integration alerts held back').to.deep.equal([]);
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

  it('killing the evaluator and notifier (SIGKILL) with a batch in flight or a delivery unrecorded writes no transition twice, loses none, and delivers each under one webhook-id', async function () {
    this.timeout(420_000);
    // Real processes, killed without warning at moments the test waited for:
    // - 'evaluator': a batch holding this round's checks is being evaluated, its Kafka
    //   transaction (transitions + offsets) not yet committed (the evaluator's debug line);
    // - 'notifier': a digest has reached the webhook receiver, which holds the request open,
    //   so it is sent and not yet recorded; it is sent again (same webhook-id) once orphaned.
    // Every run has both kinds; the seed orders them (replay with KILL_SEED=<seed>).
    const random = seededRandom();
    const why = `KILL_SEED=${random.seed}`;
    const moments = ['evaluator', 'evaluator', 'notifier'];
    for (let i = moments.length - 1; i > 0; i--) {
      const j = Math.floor(random.next() * (i + 1));
      [moments[i], moments[j]] = [moments[j]!, moments[i]!];
    }
    const seeded = <T>(p: Promise<T>): Promise<T> => p.catch((err: Error) => {
      err.message += ` [${why}, moments ${moments.join(', ')}]`;
      throw err;
    });
    await alerting!.stop();
    alerting = undefined;
    const ruleId = await createRule({
      name: 'mcp down', kind: 'consecutive_failures', params: { failures: 2 }, enabled: true, severity: 'warning', provider: 'mcp',
      cooldownSeconds: 0, escalateAfterSeconds: null, channels: [{ type: 'webhook', webhookId }], escalationChannels: [], notifyOwner: false,
    });
    // Two users only: a provider incident (three users at least) must not hold these back.
    const ids = Array.from({ length: 12 }, () => randomUUID());
    const user = (i: number) => `mcp-user-${i % 2}`;
    await publish(ids.map((id, i) => connected(id, user(i), 'mcp')));
    const processSettings = { ...alertingSettings(), LOG_LEVEL: 'debug' };
    let proc: PulseProcess = started(startPulseProcess(['alerts'], processSettings));
    const held: string[] = [];
    try {
      // Topics are not ordered among themselves, and a restarted evaluator re-reads what its
      // snapshot lacks in whatever order the fetches bring (checks before the rule, say): so
      // checks may only come once the rule is in the snapshot every restart begins from.
      await seeded(eventually(async () => (await pulse.rt.db.query('SELECT 1 FROM alert_evaluator_state WHERE key = $1', [`rule:${ruleId}`])).rowCount === 1, 'rule in the evaluator snapshot', 90_000));
      for (const [round, moment] of moments.entries()) {
        const before = new Map((await endOffsets(pulse.rt, [pulse.rt.topics.checks])).map((o) => [o.partition, o.offset]));
        const current = proc;
        const momentReached: Promise<unknown> = moment === 'evaluator'
          ? current.logged((l) => l.msg === 'alert evaluator batch evaluating' && l.topic === pulse.rt.topics.checks
            && BigInt(String(l.lastOffset)) >= (before.get(Number(l.partition)) ?? 0n), 90_000)
          : receiver.holdNext(90_000).then((hook) => held.push(hook.id));
        const at = Date.now();
        // Each integration fails three times, then recovers: one raise and one resolve each.
        await publish(ids.slice(round * 4, round * 4 + 4).flatMap((id) => [
          ...failures(id, user(ids.indexOf(id)), 3, at, 'mcp'),
          aCheck({ integrationId: id, userId: user(ids.indexOf(id)), provider: 'mcp', startedAt: at + 10_000 }),
        ]));
        await seeded(momentReached);
        await kill(current);
        receiver.release();
        proc = started(startPulseProcess(['alerts'], processSettings));
      }
      expect(held, `a delivery was in hand at the notifier kill [${why}]`).to.have.length(1);
      // The log is the truth the evaluator answers for: wait until all 24 transitions are on it
      // (a lost one never arrives; a doubled one shows below). Projections of it are their own suites' business.
      const ofRule = async () => (await transitionsOnTopic()).filter((e: any) => (Object.values(e.payload ?? {})[0] as any)?.alert?.ruleId === ruleId);
      const onTopic = await seeded(eventually(async () => {
        const list = await ofRule();
        return list.length >= 24 ? list : null;
      }, 'twelve alerts raised and resolved on the topic', 120_000));
      expect(onTopic, `each transition written once [${why}]`).to.have.length(24);
      expect(new Set(onTopic.map((e: any) => e.eventId)).size, `distinct transitions [${why}]`).to.equal(24);
      const story = (type: string) => onTopic.filter((e: any) => Object.keys(e.payload)[0]?.endsWith(type)).map((e: any) => (Object.values(e.payload)[0] as any).alert.scope.integrationId).sort();
      expect(story('AlertRaised'), `each integration raised once [${why}]`).to.deep.equal([...ids].sort());
      expect(story('AlertResolved'), `each integration resolved once [${why}]`).to.deep.equal([...ids].sort());

      // A receiver dedupes on webhook-id (Standard Webhooks): every transition arrives, under one
      // id only — the digest in hand at the kill is sent again once orphaned (60 s), same id.
      const idsOf = await seeded(eventually(async () => {
        const byTransition = new Map<string, Set<string>>();
        for (const h of receiver.hooks) {
          for (const a of h.body.alerts ?? []) if (a.ruleId === ruleId) byTransition.set(a.transitionId, (byTransition.get(a.transitionId) ?? new Set()).add(h.id));
        }
        return byTransition.size === 24 && receiver.hooks.filter((h) => h.id === held[0]).length >= 2 ? byTransition : null;
      }, 'all 24 transitions delivered and the held digest sent again', 180_000));
      for (const [transitionId, hookIds] of idsOf) expect(hookIds.size, `${transitionId} under one webhook-id [${why}]`).to.equal(1);
      // And a digest sent again is the same digest: a receiver keeping only the first delivery of each id misses nothing.
      const deliveries = new Map<string, string[]>();
      for (const h of receiver.hooks) {
        const carried = (h.body.alerts ?? []).map((a: any) => a.transitionId).sort().join(' ');
        if (!deliveries.has(h.id)) deliveries.set(h.id, []);
        deliveries.get(h.id)!.push(carried);
      }
      for (const [hookId, carried] of deliveries) expect(new Set(carried).size, `every delivery of ${hookId} carries the same transitions [${why}]`).to.equal(1);
    } finally {
      await kill(proc);
      receiver.release();
    }
  });
});
