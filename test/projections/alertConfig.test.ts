// Projection `alert_config`: alert rules, webhooks and suppressions as admins configured them.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { alertConfigProjection } from '../../projections/alertConfig.js';
import {
  aRuleDeleted, aRuleSaved, aSuppressionDeleted, aSuppressionSaved, aWebhookDeleted, aWebhookDisabled, aWebhookSaved,
} from '../support/adminEvents.js';
import { projectionSpec, type Then } from '../support/projectionSpec.js';

const t0 = Date.parse('2026-11-01T10:00:00Z');
const minute = 60_000;

describe('projection: alert_config', () => {
  const spec = projectionSpec(alertConfigProjection);
  let entityId: string;
  beforeEach(() => (entityId = randomUUID()));

  const rule = async ({ rows }: Then) =>
    (await rows(
      `SELECT name, kind, params, enabled, severity, provider, cooldown_seconds, escalate_after_seconds, channels, escalation_channels,
              notify_owner, updated_at, updated_by FROM alert_rules WHERE rule_id = $1`,
      [entityId],
    ))[0];
  const webhook = async ({ rows }: Then) =>
    (await rows('SELECT name, url_origin, enabled, disabled_reason, updated_at, updated_by FROM alert_webhooks WHERE webhook_id = $1', [entityId]))[0];
  const suppression = async ({ rows }: Then) =>
    (await rows('SELECT rule_id, provider, integration_id, starts_at, ends_at, reason, updated_by FROM alert_suppressions WHERE suppression_id = $1', [entityId]))[0];

  describe('alert rules', () => {
    it('a saved rule is stored with its parameters, channels and who saved it when', () =>
      spec
        .given(aRuleSaved({
          entityId, name: 'Gmail failing', kind: 'provider_failure_rate', params: '{"thresholdPercent":20,"windowMinutes":15}', severity: 'critical',
          provider: 'gmail', cooldownSeconds: 600, escalateAfterSeconds: 900, notifyOwner: false, actor: 'ann@example.com', occurredAt: t0,
          channels: [{ type: 'webhook', to: [], webhookId: 'webhook-9' }], escalationChannels: [{ type: 'email', to: ['boss@example.com'], webhookId: null }],
        }))
        .thenRows(async (t) =>
          expect(await rule(t)).to.deep.equal({
            name: 'Gmail failing', kind: 'provider_failure_rate', params: { thresholdPercent: 20, windowMinutes: 15 }, enabled: true, severity: 'critical',
            provider: 'gmail', cooldown_seconds: 600, escalate_after_seconds: 900, notify_owner: false, updated_at: new Date(t0), updated_by: 'ann@example.com',
            channels: [{ type: 'webhook', to: [], webhookId: 'webhook-9' }], escalation_channels: [{ type: 'email', to: ['boss@example.com'], webhookId: null }],
          })));

    it('a later save replaces the rule', () =>
      spec
        .given(aRuleSaved({ entityId, name: 'Red integrations', occurredAt: t0 }))
        .given(aRuleSaved({ entityId, name: 'Red integrations (quiet)', enabled: false, occurredAt: t0 + minute }))
        .thenRows(async (t) => expect(await rule(t)).to.include({ name: 'Red integrations (quiet)', enabled: false })));

    it('an older save arriving after a newer one does not overwrite it', () =>
      spec
        .given(aRuleSaved({ entityId, name: 'Newer', occurredAt: t0 + minute }))
        .given(aRuleSaved({ entityId, name: 'Older', occurredAt: t0 }))
        .thenRows(async (t) => expect(await rule(t)).to.include({ name: 'Newer' })));

    it('a deleted rule is gone', () =>
      spec
        .given(aRuleSaved({ entityId }), aRuleDeleted({ entityId, occurredAt: t0 + minute }))
        .thenRows(async (t) => expect(await rule(t)).to.equal(undefined)));

    it('U+0000 in a rule name or in its parameters from another producer is stored as U+FFFD', () =>
      spec
        .given(aRuleSaved({ entityId, name: 'Red\u0000rule', params: '{"note":"a\u0000b"}' }))
        .thenRows(async (t) => expect(await rule(t)).to.deep.include({ name: 'Red\ufffdrule', params: { note: 'a\ufffdb' } })));

    it('parameters holding U+0000 or a lone surrogate as JSON escapes are stored with U+FFFD, not refused by jsonb', () =>
      spec
        .given(aRuleSaved({ entityId, params: '{"note":"a\\u0000b","odd":"\\ud800"}' }))
        .thenRows(async (t) => expect((await rule(t))?.params).to.deep.equal({ note: 'a\ufffdb', odd: '\ufffd' })));
  });

  describe('webhooks', () => {
    it('a saved webhook is stored by its origin only, enabled', () =>
      spec
        .given(aWebhookSaved({ entityId, name: 'On-call', urlOrigin: 'https://hooks.example.com', actor: 'ann@example.com', occurredAt: t0 }))
        .thenRows(async (t) =>
          expect(await webhook(t)).to.deep.equal({
            name: 'On-call', url_origin: 'https://hooks.example.com', enabled: true, disabled_reason: null, updated_at: new Date(t0), updated_by: 'ann@example.com',
          })));

    it('a disabled webhook is off and says why', () =>
      spec
        .given(aWebhookSaved({ entityId }))
        .given(aWebhookDisabled({ entityId, reason: 'the receiver answered 410 Gone', actor: 'pulse', occurredAt: t0 + minute }))
        .thenRows(async (t) => expect(await webhook(t)).to.include({ enabled: false, disabled_reason: 'the receiver answered 410 Gone', updated_by: 'pulse' })));

    it('saving a disabled webhook again clears the reason', () =>
      spec
        .given(aWebhookSaved({ entityId }), aWebhookDisabled({ entityId, occurredAt: t0 + minute }))
        .given(aWebhookSaved({ entityId, occurredAt: t0 + 2 * minute }))
        .thenRows(async (t) => expect(await webhook(t)).to.include({ enabled: true, disabled_reason: null })));

    it('a deleted webhook is gone', () =>
      spec
        .given(aWebhookSaved({ entityId }))
        .given(aWebhookDeleted({ entityId }))
        .thenRows(async (t) => expect(await webhook(t)).to.equal(undefined)));
  });

  describe('suppressions', () => {
    it('a saved suppression mutes its scope until its end, from its start if it has one', () =>
      spec
        .given(aSuppressionSaved({ entityId, ruleId: 'rule-1', provider: null, integrationId: 'int-1', startsAt: t0, endsAt: t0 + 60 * minute, reason: 'migration' }))
        .thenRows(async (t) =>
          expect(await suppression(t)).to.deep.equal({
            rule_id: 'rule-1', provider: null, integration_id: 'int-1', starts_at: new Date(t0), ends_at: new Date(t0 + 60 * minute), reason: 'migration', updated_by: 'ops@example.com',
          })));

    it('a suppression without a start is in force at once', () =>
      spec.given(aSuppressionSaved({ entityId, startsAt: null })).thenRows(async (t) => expect(await suppression(t)).to.include({ starts_at: null, provider: 'gmail' })));

    it('a deleted suppression is gone', () =>
      spec
        .given(aSuppressionSaved({ entityId }))
        .given(aSuppressionDeleted({ entityId }))
        .thenRows(async (t) => expect(await suppression(t)).to.equal(undefined)));
  });

  it('configuration concerns no integration: nothing for the integration WebSocket push', () =>
    spec.given(aRuleSaved({ entityId }), aWebhookSaved({ entityId })).thenRows(async (t) => expect(t.changed).to.deep.equal([[]])));
});
