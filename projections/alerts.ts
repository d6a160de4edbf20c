// `alerts`: health_check_alerts (one row per alert: open or resolved, escalated, acknowledged,
// what was delivered) and health_check_alert_events (every event of every alert). A repeated
// event is recorded once and changes nothing the second time.
import type { Tx } from '../platform/db.js';
import type { AlertEvent, PulseEvent } from '../health/events.js';
import { isAlertEvent } from '../health/events.js';
import type { Projection } from './projection.js';
import { storable } from './storable.js';

const ts = (ms: number) => new Date(ms).toISOString();

/** The event's own fields, for the history row. */
function detailOf(e: AlertEvent): Record<string, unknown> {
  const { eventId: _e, alertId: _a, occurredAt: _o, type: _t, ...detail } = e;
  return detail;
}

async function recordOnce(tx: Tx, e: AlertEvent): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO health_check_alert_events (event_id, alert_id, type, occurred_at, detail) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (event_id) DO NOTHING`,
    [e.eventId, e.alertId, e.type, ts(e.occurredAt), JSON.stringify(detailOf(e))],
  );
  return rowCount === 1;
}

async function applyOne(tx: Tx, e: AlertEvent): Promise<string | null> {
  if (!(await recordOnce(tx, e))) return null;
  const at = ts(e.occurredAt);
  switch (e.type) {
    case 'AlertRaised': {
      const a = e.alert;
      await tx.query(
        `INSERT INTO health_check_alerts (alert_id, rule_id, rule_name, rule_kind, severity, scope_type, provider, integration_id, user_id,
                                          status, summary, facts, flapping, opened_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11::jsonb, $12, $13, $14)
         ON CONFLICT (alert_id) DO NOTHING`,
        [e.alertId, a.ruleId, a.ruleName, a.ruleKind, a.severity, a.scope.type, a.scope.provider, a.scope.integrationId, a.scope.userId,
          a.summary, JSON.stringify(e.facts), e.flapping, ts(a.openedAt), at],
      );
      return a.scope.integrationId;
    }
    case 'AlertEscalated':
      await tx.query('UPDATE health_check_alerts SET escalated_at = coalesce(escalated_at, $2), updated_at = $2 WHERE alert_id = $1', [e.alertId, at]);
      return e.alert.scope.integrationId;
    case 'AlertResolved':
      await tx.query(
        `UPDATE health_check_alerts SET status = 'resolved', resolved_at = $2, resolution = $3, summary = $4, updated_at = $2
          WHERE alert_id = $1 AND status = 'open'`,
        [e.alertId, at, e.reason, e.alert.summary],
      );
      return e.alert.scope.integrationId;
    case 'AlertAcknowledged': {
      const { rows } = await tx.query(
        `UPDATE health_check_alerts SET acknowledged_at = coalesce(acknowledged_at, $2), acknowledged_by = coalesce(acknowledged_by, $3), updated_at = $2
          WHERE alert_id = $1 RETURNING integration_id`,
        [e.alertId, at, e.by],
      );
      return (rows[0]?.integration_id as string | undefined) ?? null;
    }
    case 'NotificationSent':
    case 'NotificationFailed': {
      const delivery = { transitionId: e.transitionId, status: e.type === 'NotificationSent' ? 'sent' : 'failed', at: e.occurredAt, attempts: e.attempts,
        ...(e.type === 'NotificationFailed' ? { reason: e.reason } : {}) };
      await tx.query(
        `UPDATE health_check_alerts SET notifications = notifications || jsonb_build_object($2::text, $3::jsonb) WHERE alert_id = $1`,
        [e.alertId, `${e.transitionId}|${e.channel}`, JSON.stringify(delivery)],
      );
      return null;
    }
  }
}

export const alertsProjection: Projection<AlertEvent> = {
  name: 'alerts',
  tables: ['health_check_alerts', 'health_check_alert_events'],
  topic: (t) => t.alerts,
  handles: (e: PulseEvent): e is AlertEvent => isAlertEvent(e),
  async apply(tx, events) {
    events = storable(events); // what the event says, storable: U+0000 → U+FFFD
    const changed = new Set<string>();
    for (const e of events) {
      const id = await applyOne(tx, e);
      if (id) changed.add(id);
    }
    return [...changed];
  },
};
