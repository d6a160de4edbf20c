// /api/admin/alerts: alert history (projection `alerts`) and acknowledgement. An ack becomes
// AlertAcknowledged on alerts.events, which stops escalation; it is audited.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../platform/db.js';
import type { EventCodec } from '../../platform/events.js';
import type { EventProducer } from '../../platform/kafka.js';
import type { Topics } from '../../platform/topics.js';
import { alertView, listAlerts, parseAlertCursor } from '../alertQueries.js';
import { audit } from '../audit.js';
import { HttpError, notFound, validate } from '../errors.js';
import { documented } from '../openapi/registry.js';

export interface AlertRoutesDeps {
  db: Db;
  codec: EventCodec;
  producer: EventProducer;
  topics: Topics;
  now: () => number;
}

const cursor = z.string().transform((s, ctx) => {
  const c = parseAlertCursor(s);
  if (!c) {
    ctx.addIssue({ code: 'custom', message: 'must be the nextBefore of a previous page' });
    return z.NEVER;
  }
  return c;
});

export const alertListQuery = z.object({
  status: z.enum(['open', 'resolved'], { error: 'must be open or resolved' }).optional(),
  ruleId: z.string().min(1).max(100).optional(),
  integrationId: z.uuid({ error: 'must be an integration id' }).optional(),
  provider: z.string().min(1).max(50).optional(),
  ruleKind: z.string().min(1).max(50).optional(),
  severity: z.enum(['warning', 'critical'], { error: 'must be warning or critical' }).optional(),
  acknowledged: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true').optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  before: cursor.optional(),
}).strict();

export const alertViewSchema = z.object({
  alertId: z.string(), ruleId: z.string(), ruleName: z.string(), ruleKind: z.string(), severity: z.string(),
  scope: z.object({ type: z.string(), provider: z.string(), integrationId: z.string().nullable() }),
  status: z.enum(['open', 'resolved']), summary: z.string(), facts: z.record(z.string(), z.string()), flapping: z.boolean(),
  openedAt: z.iso.datetime(), escalatedAt: z.iso.datetime().nullable(), acknowledgedAt: z.iso.datetime().nullable(), acknowledgedBy: z.string().nullable(),
  resolvedAt: z.iso.datetime().nullable(), resolution: z.string().nullable(), notifications: z.array(z.unknown()),
});
const alertPage = z.object({ alerts: z.array(alertViewSchema), nextBefore: z.string().nullable() });
const idParams = z.object({ id: z.string().min(1).max(100) });
export const ackBody = z.object({ note: z.string().trim().max(500, 'must be at most 500 characters').optional() }).strict();

/** Records an acknowledgement (the caller has checked the alert exists and may be acked by them). */
export async function acknowledge(deps: AlertRoutesDeps, alertId: string, by: string, note: string | null): Promise<void> {
  await deps.producer.send(deps.topics.alerts, [await deps.codec.encode({ type: 'AlertAcknowledged', eventId: randomUUID(), alertId, occurredAt: deps.now(), by, note })]);
}

export function adminAlertRoutes(deps: AlertRoutesDeps): Router {
  const api = documented(Router(), { tag: 'Admin: alerting', auth: 'admin' });

  api.get('/alerts', {
    summary: 'Alerts, newest first', query: alertListQuery,
    responses: { 200: { description: 'a page of alerts', body: alertPage } },
  }, async (req, res) => {
    const q = validate(alertListQuery, req.query, 'query');
    res.json(await listAlerts(deps.db, q));
  });

  api.get('/alerts/:id', {
    summary: 'One alert and its events', params: idParams,
    responses: { 200: { description: 'the alert', body: alertViewSchema.extend({ events: z.array(z.object({ type: z.string(), occurredAt: z.iso.datetime(), detail: z.record(z.string(), z.unknown()) })) }) } },
  }, async (req, res) => {
    const { rows } = await deps.db.query('SELECT * FROM health_check_alerts WHERE alert_id = $1', [req.params.id]);
    if (!rows[0]) throw notFound('alert');
    const events = await deps.db.query('SELECT type, occurred_at, detail FROM health_check_alert_events WHERE alert_id = $1 ORDER BY occurred_at, event_id', [req.params.id]);
    res.json({ ...alertView(rows[0]), events: events.rows.map((e) => ({ type: e.type, occurredAt: e.occurred_at.toISOString(), detail: e.detail })) });
  });

  api.post('/alerts/:id/ack', {
    summary: 'Acknowledge an alert', description: 'Stops its escalation. Audited as `alert.ack`.', params: idParams, body: ackBody,
    responses: { 202: { description: 'accepted', body: z.object({ alertId: z.string() }) }, 409: '`already_resolved`: the alert is resolved' },
  }, async (req, res) => {
    const body = validate(ackBody, req.body ?? {});
    const { rows } = await deps.db.query('SELECT status FROM health_check_alerts WHERE alert_id = $1', [req.params.id]);
    if (!rows[0]) throw notFound('alert');
    if (rows[0].status !== 'open') throw new HttpError(409, 'already_resolved', 'this alert is already resolved');
    await acknowledge(deps, req.params.id as string, String(res.locals.adminEmail ?? 'unknown'), body.note ?? null);
    await audit(req, 'alert.ack', req.params.id as string, 'success');
    res.status(202).json({ alertId: req.params.id });
  });

  return api.router;
}
