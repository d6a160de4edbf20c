// The notifier (`pulse alerts`) SIGKILLed between delivering a digest and recording it, with a
// webhook receiver that dedupes on webhook-id as docs/webhooks.md tells receivers to (a message
// whose id it has seen is acknowledged and dropped). The digest left 'sending' is an orphan:
// once it is ORPHANED_AFTER_SECONDS old (consumers/notifier.ts) it must be sent again exactly as
// it was, under its id, while transitions queued for the same channel since then go out under
// new ids — had they ridden along under the old id, the receiver would drop them as duplicates.
//
// The digest window is longer than half the orphan threshold, so the transitions queued while
// the orphan was in flight are still waiting (not due) when the orphan is re-sent: the moment
// where they could be swept into it. An escalation is in flight too: two alerts stay open and
// unacknowledged across the kill and escalate (to the same webhook) after the restart.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { HealthChecked, LifecycleEvent, PulseEvent } from '../../health/events.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { startReceiver, startSmtp, type Hook } from '../support/alertSinks.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { kill, startPulseProcess, type PulseProcess } from '../support/processes.js';
import { startPulse, type RunningPulse } from '../support/pulse.js';
import { reachEntries } from '../support/egress.js';
import { eventually } from '../support/signals.js';
import { readTopic } from '../support/topicReader.js';

/** Over half of the notifier's 60 s orphan threshold (see the header). */
const DIGEST_SECONDS = 40;
/** The shortest escalation delay a rule accepts. */
const ESCALATE_AFTER_SECONDS = 60;

describe('faults: notifier SIGKILLed between delivery and record', function () {
  this.timeout(300_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let admin: AdminCall;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhookSecret = '';
  let webhookId = '';
  const processes = new Set<PulseProcess>();

  const settings = (): Record<string, string> => ({
    ...env.overrides, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), EGRESS_ALLOW: reachEntries([receiver.url]),
    ALERT_DIGEST_SECONDS: String(DIGEST_SECONDS), ALERT_TICK_SECONDS: '1',
    // The held delivery must not time out and be retried before the kill.
    WEBHOOK_TIMEOUT_MS: '60000',
  });

  before(async () => {
    env = await ownEnvironment('notifier crash');
    smtp = await startSmtp();
    receiver = await startReceiver(() => webhookSecret);
    pulse = await startPulse({ roles: ['projectors', 'api'], overrides: settings() });
    admin = await adminSession(pulse);
    const created = await admin('POST', '/api/admin/webhooks', { body: { name: 'deduping receiver', url: receiver.url } });
    expect(created.status, created.text).to.equal(201);
    webhookSecret = created.body.secret;
    webhookId = created.body.id;
    await eventually(async () => (await admin('GET', '/api/admin/webhooks')).body.webhooks.some((w: any) => w.id === webhookId), 'webhook projected');
  });
  after(async () => {
    for (const p of processes) await kill(p);
    receiver?.release();
    await pulse?.stop();
    receiver?.server.close();
    await smtp?.close();
    await env?.drop();
  });

  const startAlerts = () => {
    const p = startPulseProcess(['alerts'], settings());
    processes.add(p);
    return p;
  };
  const publish = async (events: (HealthChecked | LifecycleEvent)[]) => {
    const producer = await pulse.rt.kafka.producer();
    for (const e of events) await producer.send(e.type === 'HealthChecked' ? pulse.rt.topics.checks : pulse.rt.topics.lifecycle, [await pulse.rt.codec.encode(e)]);
    await producer.close();
  };
  const connected = (integrationId: string, userId: string): LifecycleEvent => ({
    type: 'IntegrationConnected', eventId: randomUUID(), integrationId, userId, occurredAt: Date.now() - 600_000, provider: 'mcp',
    displayName: `mcp ${integrationId.slice(0, 4)}`, checkIntervalSeconds: 60, config: {},
  });
  const failures = (integrationId: string, userId: string, at: number) =>
    Array.from({ length: 3 }, (_, i) => aFailedCheck('server_error', { integrationId, userId, provider: 'mcp', startedAt: at + i * 1000 }));
  const recovery = (integrationId: string, userId: string, at: number) => aCheck({ integrationId, userId, provider: 'mcp', startedAt: at });

  /** Alert transitions on alerts.events that name the webhook among their channels, by transition id. */
  const transitionsForWebhook = async (ruleId: string): Promise<Map<string, PulseEvent & { type: string }>> => {
    const out = new Map<string, PulseEvent & { type: string }>();
    for (const r of await readTopic(pulse.rt.config, pulse.rt.topics.alerts)) {
      const e = await pulse.rt.codec.decode({ ...r, topic: pulse.rt.topics.alerts, offset: BigInt(r.offset), timestamp: 0 }) as any;
      if (!['AlertRaised', 'AlertEscalated', 'AlertResolved'].includes(e.type) || e.alert.ruleId !== ruleId) continue;
      if (e.alert.channels.some((c: any) => c.type === 'webhook' && c.webhookId === webhookId)) out.set(e.eventId, e);
    }
    return out;
  };
  const carried = (h: Hook): string[] => (h.body.alerts ?? []).map((a: any) => a.transitionId as string).sort();
  /** What a receiver deduping on webhook-id keeps: the first delivery of each id that verifies. */
  const kept = (): Hook[] => {
    const seen = new Set<string>();
    return receiver.hooks.filter((h) => h.verified && !seen.has(h.id) && seen.add(h.id));
  };

  it('re-sends the orphaned digest as it was under its id, sends what was queued meanwhile under new ids, and the deduping receiver keeps every transition once', async () => {
    const rule = await admin('POST', '/api/admin/alert-rules', {
      body: {
        name: 'mcp down (notifier crash)', kind: 'consecutive_failures', params: { failures: 2 }, enabled: true, severity: 'warning', provider: 'mcp',
        cooldownSeconds: 0, escalateAfterSeconds: ESCALATE_AFTER_SECONDS, channels: [{ type: 'webhook', webhookId }],
        escalationChannels: [{ type: 'webhook', webhookId }], notifyOwner: false,
      },
    });
    expect(rule.status, rule.text).to.equal(202);
    const ruleId = rule.body.id as string;
    // Two users only: a provider incident (three users at least) must not hold these back.
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => randomUUID()) as [string, string, string, string, string];
    const user = (id: string) => ([a, c, e].includes(id) ? 'mcp-user-0' : 'mcp-user-1');
    await publish([a, b, c, d, e].map((id) => connected(id, user(id))));
    let proc = startAlerts();
    // Checks only once the rule is in the evaluator's snapshot (a restart begins from it).
    await eventually(async () => (await pulse.rt.db.query('SELECT 1 FROM alert_evaluator_state WHERE key = $1', [`rule:${ruleId}`])).rowCount === 1, 'rule in the evaluator snapshot', 90_000);

    // 1. A, B and E go red; their digest reaches the receiver, which holds it: sent, not recorded.
    const holding = receiver.holdNext(120_000);
    const at = Date.now();
    await publish([a, b, e].flatMap((id) => failures(id, user(id), at)));
    const orphan = await holding;
    expect(orphan.verified, 'the held delivery verifies').to.equal(true);
    const orphanTransitions = carried(orphan);
    expect(orphan.body.alerts.map((x: any) => `${x.kind} ${x.scope.integrationId}`).sort(), 'the held digest').to.deep.equal([a, b, e].map((id) => `raised ${id}`).sort());

    // 2. While it is in flight, new transitions for the same channel are queued: C and D go red
    //    and recover, E recovers. A and B stay open, unacknowledged: their escalation is coming.
    const later = Date.now();
    await publish([
      ...[c, d].flatMap((id) => [...failures(id, user(id), later), recovery(id, user(id), later + 10_000)]),
      recovery(e, user(e), later + 10_000),
    ]);
    const channelKey = `webhook:${webhookId}`;
    await eventually(async () => Number((await pulse.rt.db.query(
      `SELECT count(*) AS n FROM notification_queue WHERE channel_key = $1 AND status = 'pending'`, [channelKey],
    )).rows[0].n) >= 5, 'five new transitions queued for the webhook', 60_000);

    // 3. SIGKILL: the digest is left 'sending' under the id the receiver saw.
    await kill(proc);
    processes.delete(proc);
    receiver.release();
    const leftSending = await pulse.rt.db.query(`SELECT transition_id FROM notification_queue WHERE channel_key = $1 AND status = 'sending' AND digest_id = $2`, [channelKey, orphan.id]);
    expect(leftSending.rows.map((r) => r.transition_id).sort(), 'the kill landed between delivery and record').to.deep.equal(orphanTransitions);
    proc = startAlerts();

    // 4. A and B escalate after the restart; then they recover, which closes every alert: the
    //    set of transitions for the webhook is complete once all twelve are on the topic.
    await eventually(async () => {
      const alerts = (await admin('GET', `/api/admin/alerts?limit=200&ruleId=${ruleId}`)).body.alerts as any[];
      return [a, b].every((id) => alerts.find((x) => x.scope.integrationId === id)?.escalatedAt);
    }, 'A and B escalated', 120_000, 500);
    await publish([a, b].map((id) => recovery(id, user(id), Date.now())));
    const expected = [...[a, b].flatMap((id) => [`raised ${id}`, `escalated ${id}`, `resolved ${id}`]), ...[c, d, e].flatMap((id) => [`raised ${id}`, `resolved ${id}`])].sort();
    const onTopic = await eventually(async () => {
      const t = await transitionsForWebhook(ruleId);
      return t.size >= expected.length ? t : null;
    }, 'every transition for the webhook on the topic', 60_000, 1_000);
    const story = [...onTopic.values()].map((t: any) => `${t.type.replace('Alert', '').toLowerCase()} ${t.alert.scope.integrationId}`).sort();
    expect(story, 'transitions on alerts.events for the webhook').to.deep.equal(expected);

    // 5. Everything delivered, the orphan included (sent again: its first delivery was never answered).
    await eventually(async () => {
      const delivered = new Set(receiver.hooks.flatMap(carried));
      return [...onTopic.keys()].every((id) => delivered.has(id)) && receiver.hooks.filter((h) => h.id === orphan.id).length >= 2;
    }, 'every transition delivered and the orphan sent again', 120_000, 500);

    // The deduping receiver kept each transition exactly once: none dropped for riding under an
    // id it had seen, none under two ids.
    expect(kept().flatMap(carried).sort(), 'transitions the receiver kept').to.deep.equal([...onTopic.keys()].sort());
    // The orphan, every time it was sent, is exactly the original digest.
    for (const h of receiver.hooks.filter((x) => x.id === orphan.id)) expect(carried(h), `a delivery of ${orphan.id}`).to.deep.equal(orphanTransitions);
    // Everything else went out under other ids, each id always with the same transitions.
    const others = receiver.hooks.filter((h) => h.id !== orphan.id);
    expect(others.flatMap(carried).filter((t) => orphanTransitions.includes(t)), 'orphaned transitions under another id').to.deep.equal([]);
    for (const h of others) expect(carried(h), `every delivery of ${h.id}`).to.deep.equal(carried(others.find((x) => x.id === h.id)!));
    // And the moment this is about did happen: the orphan was re-sent while the transitions
    // queued before the kill were still waiting (they came after it).
    const resent = receiver.hooks.findIndex((h, i) => h.id === orphan.id && i > receiver.hooks.indexOf(orphan));
    const firstNew = receiver.hooks.findIndex((h) => h.id !== orphan.id);
    expect(resent, 'the orphan was re-sent before anything queued after it').to.be.lessThan(firstNew);

    await kill(proc, 'SIGTERM');
    processes.delete(proc);
  });
});
