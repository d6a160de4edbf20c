// Valid records from elsewhere with U+0000 in their strings (another producer, an old version,
// a replay; the API itself refuses NUL) are never poison: every projection stores them with
// U+FFFD, nothing is dead-lettered, and the worker and the projections agree on which
// integrations exist — the owner sees the integration listed and checked, and can delete it.
// Its own environment: the alert evaluator and the default rules see every integration in it.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { ruleSavedEvent } from '../../alerting/eventMapping.js';
import type { AdminActionPerformed, HealthChecked, LifecycleEvent, PulseEvent } from '../../health/events.js';
import type { Runtime } from '../../platform/runtime.js';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { startSmtp } from '../support/alertSinks.js';
import { aFailedCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { partitionOf } from '../support/kafkaPartitions.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { caughtUp, endOffsets } from '../support/signals.js';
import { readTopic } from '../support/topicReader.js';

const NUL = '\u0000';

/** Produces events as a foreign producer would: straight to Kafka, no API in between. */
async function produce(rt: Runtime, topic: string, events: PulseEvent[]): Promise<void> {
  const producer = await rt.kafka.producer();
  try {
    await producer.send(topic, await Promise.all(events.map((e) => rt.codec.encode(e))));
  } finally {
    await producer.close();
  }
}

describe('records with U+0000 from other producers (no poison records)', function () {
  this.timeout(180_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let target: HttpTarget;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const owner = `poison-owner-${randomUUID()}`;
  const integrationId = randomUUID();
  let token: string;

  before(async () => {
    env = await ownEnvironment('poison');
    target = await startHttpTarget();
    smtp = await startSmtp();
    pulse = await startPulse({
      roles: ['projectors', 'worker', 'alerts', 'api'],
      reach: [target.url],
      overrides: { ...env.overrides, ALERT_DIGEST_SECONDS: '1', ALERT_TICK_SECONDS: '1',
        ALERT_ADMIN_EMAILS: 'ops@example.test', SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) },
    });
    token = pulse.tokenFor(owner);
  });
  after(async () => {
    await pulse?.stop();
    await target?.close();
    await smtp?.close();
    await env?.drop();
  });

  it('lists, checks and deletes an integration whose IntegrationConnected has NUL in its name, config and settings; the worker stops', async () => {
    const { rt } = pulse;
    const connected: LifecycleEvent = {
      type: 'IntegrationConnected', eventId: randomUUID(), integrationId, userId: owner, occurredAt: Date.now(), provider: 'http',
      displayName: `Poison${NUL}name`, checkIntervalSeconds: 1,
      // A key the http check does not know: every check fails `invalid_config` with the key (and its NUL) in its message.
      config: { url: `${target.url}/poison${NUL}`, headers: { 'X-Note': `a${NUL}b` }, [`extra${NUL}`]: { deep: [NUL] } },
    };
    await produce(rt, rt.topics.lifecycle, [connected]);

    const listed = await eventually(async () => {
      const list = await pulse.api('GET', '/api/integrations', { token });
      return list.body?.items?.find((i: { integrationId: string }) => i.integrationId === integrationId);
    }, 'the integration listed for its owner', 60_000);
    expect(listed.displayName).to.equal('Poison\ufffdname');
    const stored = (await rt.db.query('SELECT display_name, config FROM integrations WHERE integration_id = $1', [integrationId])).rows[0];
    expect(stored.config).to.deep.equal({ url: `${target.url}/poison\ufffd`, headers: { 'X-Note': 'a\ufffdb' }, 'extra\ufffd': { deep: ['\ufffd'] } });

    const health = await eventually(async () => {
      const h = await pulse.api('GET', `/api/integrations/${integrationId}/health`, { token });
      return h.status === 200 && h.body.checkCount >= 3 && h.body.status === 'red' ? h.body : undefined;
    }, 'checked three times (red)', 60_000);
    expect(health.error.code).to.equal('invalid_config');
    expect(JSON.stringify(health)).not.to.contain(NUL);
    await caughtUp(rt, { projection: 'health_history' }, [rt.topics.checks]);
    const history = await pulse.api('GET', `/api/integrations/${integrationId}/health/history`, { token });
    expect(history.status).to.equal(200);
    expect(history.body.items.length).to.be.at.least(3);

    // The default rules raise alerts naming it: evaluator, alerts projection, notification queue
    // and the notifier all carry on, and the admins' digest about it is sent.
    const alert = await eventually(async () => (await rt.db.query("SELECT summary FROM health_check_alerts WHERE integration_id = $1 AND summary LIKE '%Poison%'", [integrationId])).rows[0], 'an alert naming it', 60_000);
    expect(alert.summary).to.contain('Poison\ufffdname');
    const mail = await eventually(async () => smtp.mails.find((m) => m.to.includes('ops@example.test') && m.raw.includes(owner)), 'the admins\' digest about it', 60_000);
    expect(mail.raw).not.to.contain(NUL);
    // The evaluator's snapshot (state with the name in it, and its offsets) is saved past the record.
    const lifecycleEnd = await endOffsets(rt, [rt.topics.lifecycle]);
    await eventually(async () => {
      const { rows } = await rt.db.query('SELECT partition, next_offset FROM alert_evaluator_offsets WHERE topic = $1', [rt.topics.lifecycle]);
      return lifecycleEnd.every((e) => rows.some((r) => r.partition === e.partition && BigInt(r.next_offset) >= e.offset));
    }, 'an evaluator snapshot past the record', 60_000);
    const state = await rt.db.query('SELECT value::text AS v FROM alert_evaluator_state WHERE value::text LIKE $1', [`%${integrationId}%`]);
    expect(state.rows.map((r) => r.v).join('')).to.contain('Poison\ufffdname');

    expect((await pulse.api('DELETE', `/api/integrations/${integrationId}`, { token: pulse.tokenFor('mallory') })).status).to.equal(404);
    expect((await pulse.api('DELETE', `/api/integrations/${integrationId}`, { token })).status).to.equal(202);
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${integrationId}/health`, { token })).status === 404, 'gone for its owner');

    // The worker stops: a sentinel connected after the deletion on the same lifecycle partition
    // is checked twice more while the poisoned integration gets no further check.
    const partition = partitionOf(integrationId, rt.config.kafka.partitions);
    let sentinel = randomUUID();
    while (partitionOf(sentinel, rt.config.kafka.partitions) !== partition) sentinel = randomUUID();
    await produce(rt, rt.topics.lifecycle, [{
      type: 'IntegrationConnected', eventId: randomUUID(), integrationId: sentinel, userId: owner, occurredAt: Date.now(),
      provider: 'http', displayName: 'Sentinel', checkIntervalSeconds: 1, config: { url: `${target.url}/sentinel` },
    }]);
    const checksOf = async (id: string) => Number((await rt.db.query('SELECT check_count FROM integration_health_checks WHERE integration_id = $1', [id])).rows[0]?.check_count ?? 0);
    await eventually(async () => (await checksOf(sentinel)) >= 1, 'the sentinel checked', 60_000);
    const atDeletion = await checksOf(integrationId);
    const seen = await checksOf(sentinel);
    await eventually(async () => (await checksOf(sentinel)) >= seen + 2, 'two more checks of the sentinel', 60_000);
    await caughtUp(rt, { projection: 'integration_health' }, [rt.topics.checks]);
    expect(await checksOf(integrationId)).to.equal(atDeletion);
  });

  it('lists and deletes an integration whose IntegrationConnected says it happened past any year a JavaScript date can show', async () => {
    const { rt } = pulse;
    const farOff = randomUUID();
    await produce(rt, rt.topics.lifecycle, [{
      type: 'IntegrationConnected', eventId: randomUUID(), integrationId: farOff, userId: owner, occurredAt: 9e15, // year ~287,000: Avro and Postgres take it, a JavaScript Date stops at 275,760
      provider: 'http', displayName: 'Far off', checkIntervalSeconds: 3600, config: { url: `${target.url}/far-off` },
    }]);
    const stored = await eventually(async () => (await rt.db.query('SELECT connected_at FROM integrations WHERE integration_id = $1', [farOff])).rows[0], 'stored', 60_000);
    expect((stored.connected_at as Date).toISOString()).to.equal('9999-12-31T23:59:59.999Z');
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${farOff}/health`, { token })).body?.status === 'green', 'checked, green for its owner', 60_000);
    expect((await pulse.api('GET', '/api/integrations', { token })).status).to.equal(200);
    expect((await pulse.api('DELETE', `/api/integrations/${farOff}`, { token })).status).to.equal(202);
  });

  it('stores checks, audit entries and alert rules with NUL from elsewhere, and dead-letters none of them', async () => {
    const { rt } = pulse;
    const checked: HealthChecked = aFailedCheck('server_error', {
      integrationId, userId: owner, startedAt: Date.now() - 200, completedAt: Date.now(),
      error: { code: `odd${NUL}code`, message: `the server said ${NUL}`, retryAfterSeconds: null },
      steps: [{ name: `request${NUL}`, durationMs: 10, outcome: 'failed', detail: `HTTP 500 ${NUL}` }],
    });
    const audited: AdminActionPerformed & { type: 'AdminActionPerformed' } = {
      type: 'AdminActionPerformed', eventId: randomUUID(), actor: `admin${NUL}@example.test`, action: `odd.action${NUL}`, target: `t${NUL}`,
      outcome: 'success', sourceIp: `127.0.0.1${NUL}`, userAgent: `agent${NUL}`, occurredAt: Date.now(),
    };
    const ruleId = randomUUID();
    const rule = ruleSavedEvent({
      id: ruleId, name: `Rule ${NUL} name`, kind: 'consecutive_failures', params: { failures: 50 }, enabled: false, severity: 'warning', provider: null,
      cooldownSeconds: 600, escalateAfterSeconds: null, channels: [{ type: 'email', to: ['ops@example.test'] }], escalationChannels: [], notifyOwner: false,
    }, { eventId: randomUUID(), actor: `pulse${NUL}`, occurredAt: Date.now() });
    await produce(rt, rt.topics.checks, [checked]);
    await produce(rt, rt.topics.audit, [audited]);
    await produce(rt, rt.topics.config, [rule]);

    for (const projection of ['integration_health', 'health_history']) await caughtUp(rt, { projection }, [rt.topics.checks]);
    await caughtUp(rt, { projection: 'admin_audit' }, [rt.topics.audit]);
    await caughtUp(rt, { projection: 'alert_config' }, [rt.topics.config]);

    const history = await rt.db.query('SELECT error_code, error_message FROM integration_health_history WHERE event_id = $1', [checked.eventId]);
    expect(history.rows[0]).to.deep.include({ error_code: 'odd\ufffdcode', error_message: 'the server said \ufffd' });
    const audit = await rt.db.query('SELECT actor, action, target, source_ip, user_agent FROM admin_audit_log WHERE event_id = $1', [audited.eventId]);
    expect(audit.rows[0]).to.deep.equal({ actor: 'admin\ufffd@example.test', action: 'odd.action\ufffd', target: 't\ufffd', source_ip: '127.0.0.1\ufffd', user_agent: 'agent\ufffd' });
    const stored = await rt.db.query('SELECT name, channels, updated_by FROM alert_rules WHERE rule_id = $1', [ruleId]);
    expect(stored.rows[0]).to.deep.include({ name: 'Rule \ufffd name', updated_by: 'pulse\ufffd' });

    for (const topic of [rt.topics.lifecycle, rt.topics.checks, rt.topics.audit, rt.topics.config, rt.topics.alerts]) {
      expect(await readTopic(rt.config, rt.topics.dlq(topic)), `dead letters of ${topic}`).to.deep.equal([]);
    }
  });
});
