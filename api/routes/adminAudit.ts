// GET /api/admin/audit — the admin audit log (projection `admin_audit`), newest first.
// Filters: actor, action, outcome, from (inclusive), to (exclusive); `limit` 1..500 (50);
// `before` is the opaque `nextBefore` of the previous page (keyset pagination, stable while
// new entries arrive). Reading the log is not itself audited (portals poll it).
import { Router } from 'express';
import { z } from 'zod';
import { validate } from '../errors.js';
import { documented } from '../openapi/registry.js';
import type { Db } from '../../platform/db.js';

const isoDate = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-01T12:00:00Z' });

const cursor = z.string().transform((s, ctx) => {
  const m = /^(\d{1,17})\.([A-Za-z0-9-]{1,64})$/.exec(Buffer.from(s, 'base64url').toString('utf8'));
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'must be the nextBefore of a previous page' });
    return z.NEVER;
  }
  return { micros: m[1] as string, eventId: m[2] as string };
}).meta({ description: 'the `nextBefore` of the previous page' });

const query = z.object({
  actor: z.string().min(1, 'must not be empty').max(254, 'is too long').optional(),
  action: z.string().min(1, 'must not be empty').max(100, 'is too long').optional(),
  outcome: z.enum(['success', 'failure', 'denied'], { error: 'must be one of: success, failure, denied' }).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
  before: cursor.optional(),
}).strict();

const auditPage = z.object({
  entries: z.array(z.object({
    eventId: z.string(),
    actor: z.string().meta({ description: "the admin's email, or `unknown` (a failed login naming no account)" }),
    action: z.string().meta({ description: 'admin.login, admin.logout, replay.start, dead_letters.redrive, export, csrf.rejected…' }),
    target: z.string().nullable(),
    outcome: z.enum(['success', 'failure', 'denied']),
    sourceIp: z.string(),
    userAgent: z.string().nullable(),
    occurredAt: z.iso.datetime(),
  })),
  nextBefore: z.string().nullable().meta({ description: 'pass as `before` for the next (older) page; null on the last' }),
});

const encodeCursor = (micros: string, eventId: string) => Buffer.from(`${micros}.${eventId}`).toString('base64url');

export function adminAuditRoutes(deps: { db: Db }): Router {
  const api = documented(Router(), { tag: 'Admin: audit', auth: 'admin' });

  api.get('/audit', {
    summary: 'The admin audit log',
    description: 'Every admin action, newest first; keyset-paginated (stable while new entries arrive). Reading it is not itself audited.',
    query,
    responses: { 200: { description: 'a page of entries', body: auditPage } },
  }, async (req, res) => {
    const q = validate(query, req.query, 'query');
    const { rows } = await deps.db.query(
      `SELECT event_id, actor, action, target, outcome, source_ip, user_agent, occurred_at,
              (extract(epoch FROM occurred_at) * 1000000)::bigint::text AS micros
         FROM admin_audit_log
        WHERE ($1::text IS NULL OR actor = $1)
          AND ($2::text IS NULL OR action = $2)
          AND ($3::text IS NULL OR outcome = $3)
          AND ($4::timestamptz IS NULL OR occurred_at >= $4)
          AND ($5::timestamptz IS NULL OR occurred_at < $5)
          AND ($6::bigint IS NULL OR (occurred_at, event_id) < (timestamptz 'epoch' + $6::bigint * interval '1 microsecond', $7::text))
        ORDER BY occurred_at DESC, event_id DESC
        LIMIT $8`,
      [q.actor ?? null, q.action ?? null, q.outcome ?? null, q.from ?? null, q.to ?? null, q.before?.micros ?? null, q.before?.eventId ?? null, q.limit],
    );
    const last = rows[rows.length - 1];
    res.json({
      entries: rows.map((r) => ({
        eventId: r.event_id, actor: r.actor, action: r.action, target: r.target, outcome: r.outcome,
        sourceIp: r.source_ip, userAgent: r.user_agent, occurredAt: r.occurred_at.toISOString(),
      })),
      nextBefore: rows.length === q.limit && last ? encodeCursor(last.micros, last.event_id) : null,
    });
  });

  return api.router;
}
