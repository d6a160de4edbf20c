// /api/admin/integrations/:id/health?asOf=… — time travel: an integration's status as it was
// at a past instant, derived from its history by the same pure status rules the projection
// uses. Only as far back as detail is kept (HISTORY_RETENTION_DAYS).
import { Router, type Request } from 'express';
import { z } from 'zod';
import { healthAsOf, type StatusRules } from '../../health/statusRules.js';
import { audit } from '../audit.js';
import { HttpError, notFound, validate } from '../errors.js';
import { checksUntil, userError } from '../readModel.js';
import { documented } from '../openapi/registry.js';
import { healthStatus, userErrorView } from './integrationViews.js';
import type { AdminRoutesDeps } from './admin.js';

export interface AdminHealthDeps {
  statusRules: StatusRules;
  historyDays: number;
  docsBaseUrl: string;
  now: () => number;
}

const query = z.object({
  asOf: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2026-11-01T12:00:00Z' })
    .meta({ description: 'the past instant; not in the future, not older than HISTORY_RETENTION_DAYS' }),
});

const pastHealth = z.object({
  integrationId: z.uuid(),
  provider: z.string(),
  displayName: z.string(),
  userId: z.string(),
  asOf: z.iso.datetime(),
  status: healthStatus,
  lastCheckedAt: z.iso.datetime().nullable(),
  lastSuccessAt: z.iso.datetime().nullable(),
  consecutiveFailures: z.number().int(),
  latencyMs: z.number().int().nullable(),
  error: userErrorView.extend({ detail: z.string().meta({ description: 'technical detail, for admins' }) }).nullable(),
  checkCount: z.number().int(),
});

export function adminHealthRoutes(deps: AdminRoutesDeps & AdminHealthDeps): Router {
  const api = documented(Router(), { tag: 'Admin: time travel', auth: 'admin' });

  // Reading an integration's past is an audited action (integration.health_as_of, target = id).
  api.get('/integrations/:id/health', {
    summary: "Any integration's health as of a past instant",
    description: 'Folded from its check history by the same status rules the live projection uses. Audited (`integration.health_as_of`).',
    params: z.object({ id: z.uuid() }),
    query,
    responses: { 200: { description: 'the health it had at `asOf`', body: pastHealth } },
  }, async (req, res) => {
    let body: Record<string, unknown>;
    try {
      body = await timeTravel(req);
    } catch (err) {
      await audit(req, 'integration.health_as_of', String(req.params.id).slice(0, 100), 'failure');
      throw err;
    }
    await audit(req, 'integration.health_as_of', req.params.id as string, 'success');
    res.json(body);
  });

  const timeTravel = async (req: Request) => {
    const id = req.params.id as string;
    if (!z.uuid().safeParse(id).success) throw notFound();
    const asOf = Date.parse(validate(query, req.query, 'query').asOf);
    const now = deps.now();
    const oldest = now - deps.historyDays * 86_400_000;
    if (asOf > now) throw new HttpError(400, 'validation_failed', 'invalid query: asOf', { asOf: 'must not be in the future' });
    if (asOf < oldest) {
      throw new HttpError(400, 'validation_failed', 'invalid query: asOf', { asOf: `must be after ${new Date(oldest).toISOString()}: older per-check detail is no longer kept` });
    }
    const { integration, checks } = await checksUntil(deps.db, id, asOf);
    if (!integration) throw notFound();
    const h = healthAsOf(checks, asOf, deps.statusRules);
    return {
      integrationId: id,
      provider: integration.provider,
      displayName: integration.display_name,
      userId: integration.user_id,
      asOf: new Date(asOf).toISOString(),
      status: h?.status ?? 'unknown',
      lastCheckedAt: h ? new Date(h.lastCheckedAt).toISOString() : null,
      lastSuccessAt: h?.lastSuccessAt ? new Date(h.lastSuccessAt).toISOString() : null,
      consecutiveFailures: h?.consecutiveFailures ?? 0,
      latencyMs: h?.latencyMs ?? null,
      error: h?.error ? { ...userError(h.error.code, h.error.message, h.error.steps.join('\n'), h.error.docsPath, deps.docsBaseUrl), detail: h.error.detail } : null,
      checkCount: h?.checkCount ?? 0,
    };
  };

  return api.router;
}
