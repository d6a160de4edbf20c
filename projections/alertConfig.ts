// `alert_config`: rules, webhooks and suppressions as admins configured them (config.events),
// read by the admin API and the notifier. Each event replaces or deletes one row.
import type { Tx } from '../platform/db.js';
import type { ConfigEvent, PulseEvent } from '../health/events.js';
import { isConfigEvent } from '../health/events.js';
import type { Projection } from './projection.js';
import { storable, storableJson } from './storable.js';

const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function applyOne(tx: Tx, e: ConfigEvent): Promise<void> {
  const at = ts(e.occurredAt);
  switch (e.type) {
    case 'AlertRuleSaved':
      await tx.query(
        `INSERT INTO alert_rules (rule_id, name, kind, params, enabled, severity, provider, cooldown_seconds, escalate_after_seconds,
                                  channels, escalation_channels, notify_owner, updated_at, updated_by)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14)
         ON CONFLICT (rule_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, params = excluded.params, enabled = excluded.enabled,
           severity = excluded.severity, provider = excluded.provider, cooldown_seconds = excluded.cooldown_seconds,
           escalate_after_seconds = excluded.escalate_after_seconds, channels = excluded.channels, escalation_channels = excluded.escalation_channels,
           notify_owner = excluded.notify_owner, updated_at = excluded.updated_at, updated_by = excluded.updated_by
         WHERE alert_rules.updated_at <= excluded.updated_at`,
        [e.entityId, e.name, e.kind, storableJson(e.params), e.enabled, e.severity, e.provider, e.cooldownSeconds, e.escalateAfterSeconds,
          JSON.stringify(e.channels), JSON.stringify(e.escalationChannels), e.notifyOwner, at, e.actor],
      );
      return;
    case 'AlertRuleDeleted':
      await tx.query('DELETE FROM alert_rules WHERE rule_id = $1', [e.entityId]);
      return;
    case 'WebhookSaved':
      await tx.query(
        `INSERT INTO alert_webhooks (webhook_id, name, url_origin, enabled, disabled_reason, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, NULL, $5, $6)
         ON CONFLICT (webhook_id) DO UPDATE SET name = excluded.name, url_origin = excluded.url_origin, enabled = excluded.enabled,
           disabled_reason = NULL, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [e.entityId, e.name, e.urlOrigin, e.enabled, at, e.actor],
      );
      return;
    case 'WebhookDisabled':
      await tx.query('UPDATE alert_webhooks SET enabled = false, disabled_reason = $2, updated_at = $3, updated_by = $4 WHERE webhook_id = $1', [e.entityId, e.reason, at, e.actor]);
      return;
    case 'WebhookDeleted':
      await tx.query('DELETE FROM alert_webhooks WHERE webhook_id = $1', [e.entityId]);
      return;
    case 'SuppressionSaved':
      await tx.query(
        `INSERT INTO alert_suppressions (suppression_id, rule_id, provider, integration_id, starts_at, ends_at, reason, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (suppression_id) DO UPDATE SET rule_id = excluded.rule_id, provider = excluded.provider, integration_id = excluded.integration_id,
           starts_at = excluded.starts_at, ends_at = excluded.ends_at, reason = excluded.reason, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
        [e.entityId, e.ruleId, e.provider, e.integrationId, ts(e.startsAt), ts(e.endsAt), e.reason, at, e.actor],
      );
      return;
    case 'SuppressionDeleted':
      await tx.query('DELETE FROM alert_suppressions WHERE suppression_id = $1', [e.entityId]);
      return;
  }
}

export const alertConfigProjection: Projection<ConfigEvent> = {
  name: 'alert_config',
  tables: ['alert_rules', 'alert_webhooks', 'alert_suppressions'],
  topic: (t) => t.config,
  handles: (e: PulseEvent): e is ConfigEvent => isConfigEvent(e),
  async apply(tx, events) {
    events = storable(events); // what the event says, storable: U+0000 → U+FFFD
    for (const e of events) await applyOne(tx, e);
    return [];
  },
};
