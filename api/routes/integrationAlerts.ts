// The user's side of alerting: alerts about their own integrations (acknowledging one stops
// its escalation) and provider incidents that explain a failure ("Google is having problems;
// nothing for you to do"). Someone else's integration answers 404, like everywhere else.
import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../platform/db.js';
import { providerLabel } from '../../alerting/index.js';
import { listAlerts, openProviderIncidents } from '../alertQueries.js';
import type { AuthedLocals } from '../auth.js';
import { HttpError, notFound, validate } from '../errors.js';
import { documented } from '../openapi/registry.js';
import { ackBody, acknowledge, alertViewSchema, type AlertRoutesDeps } from './adminAlerts.js';

const idParams = z.object({ id: z.uuid({ error: 'must be an integration id' }) });
const ackParams = z.object({ id: z.uuid({ error: 'must be an integration id' }), alertId: z.string().min(1).max(100) });
const incidentView = z.object({ provider: z.string(), message: z.string(), summary: z.string(), since: z.iso.datetime() });

async function ownIntegration(db: Db, userId: string, id: string | undefined): Promise<{ provider: string }> {
  if (!id || !z.uuid().safeParse(id).success) throw notFound();
  const { rows } = await db.query('SELECT provider FROM integrations WHERE integration_id = $1 AND user_id = $2 AND disconnected_at IS NULL', [id, userId]);
  if (!rows[0]) throw notFound();
  return rows[0];
}

export function integrationAlertRoutes(deps: AlertRoutesDeps): Router {
  const api = documented(Router(), { tag: 'Integrations', auth: 'user' });

  api.get('/incidents', {
    summary: 'Provider incidents affecting my integrations',
    description: 'Open provider-wide incidents for providers I have integrations with: their failures are not mine to fix.',
    responses: { 200: { description: 'incidents, in plain words', body: z.object({ incidents: z.array(incidentView) }) } },
  }, async (_req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    const { rows } = await deps.db.query('SELECT DISTINCT provider FROM integrations WHERE user_id = $1 AND disconnected_at IS NULL', [userId]);
    const mine = new Set(rows.map((r) => r.provider as string));
    const incidents = (await openProviderIncidents(deps.db)).filter((i) => mine.has(i.provider));
    res.json({
      incidents: incidents.map((i) => ({
        provider: i.provider, summary: i.summary, since: i.openedAt,
        message: `${providerLabel(i.provider)} is having problems; nothing for you to do. We will tell you when it recovers.`,
      })),
    });
  });

  api.get('/:id/alerts', {
    summary: "An integration's alerts", params: idParams,
    responses: { 200: { description: 'newest first', body: z.object({ alerts: z.array(alertViewSchema), nextBefore: z.string().nullable() }) } },
  }, async (req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    await ownIntegration(deps.db, userId, req.params.id);
    res.json(await listAlerts(deps.db, { integrationId: req.params.id, userId, limit: 50 }));
  });

  api.post('/:id/alerts/:alertId/ack', {
    summary: 'Acknowledge an alert about my integration', description: 'Stops its escalation to the admins.', params: ackParams, body: ackBody,
    responses: { 202: { description: 'accepted', body: z.object({ alertId: z.string() }) }, 409: '`already_resolved`: the alert is resolved' },
  }, async (req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    // Someone else's integration is a 404 whatever the body says.
    await ownIntegration(deps.db, userId, req.params.id);
    const body = validate(ackBody, req.body ?? {});
    const { rows } = await deps.db.query('SELECT status FROM health_check_alerts WHERE alert_id = $1 AND integration_id = $2 AND user_id = $3', [req.params.alertId, req.params.id, userId]);
    if (!rows[0]) throw notFound('alert');
    if (rows[0].status !== 'open') throw new HttpError(409, 'already_resolved', 'this alert is already resolved');
    await acknowledge(deps, req.params.alertId as string, `user:${userId}`, body.note ?? null);
    res.status(202).json({ alertId: req.params.alertId });
  });

  return api.router;
}
