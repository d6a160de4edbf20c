// `admin_audit`: the audit log of the admin portal, one row per AdminActionPerformed
// (audit.events), read by GET /api/admin/audit. Rows are facts and never change; a repeated
// event (producer retry) is inserted once.
import type { Tx } from '../platform/db.js';
import type { AdminActionPerformed, PulseEvent } from '../health/events.js';
import type { Projection } from './projection.js';
import { storable } from './storable.js';

export const adminAuditProjection: Projection<AdminActionPerformed> = {
  name: 'admin_audit',
  tables: ['admin_audit_log'],
  topic: (t) => t.audit,
  handles: (e: PulseEvent): e is AdminActionPerformed => e.type === 'AdminActionPerformed',

  async apply(tx: Tx, events: AdminActionPerformed[]) {
    events = storable(events); // what the event says, storable: U+0000 → U+FFFD
    await tx.query(
      `INSERT INTO admin_audit_log (event_id, actor, action, target, outcome, source_ip, user_agent, occurred_at)
       SELECT id, actor, action, target, outcome, ip, ua, to_timestamp(at / 1000.0)
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
              AS t(id, actor, action, target, outcome, ip, ua, at)
       ON CONFLICT (event_id) DO NOTHING`,
      [
        events.map((e) => e.eventId), events.map((e) => e.actor), events.map((e) => e.action), events.map((e) => e.target),
        events.map((e) => e.outcome), events.map((e) => e.sourceIp), events.map((e) => e.userAgent), events.map((e) => e.occurredAt),
      ],
    );
    return []; // nothing for the integration WebSocket push
  },
};
