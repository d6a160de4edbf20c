// /api/admin/integrations/health and /api/admin/providers/:provider/health: system-wide and
// per-provider figures, trends for the charts, the integration list; `?format=csv` (or
// Accept: text/csv) streams the list as CSV.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { supportedProviders } from '../../producers/checks/index.js';
import { adminIntegrationList, csvColumns, csvField, providerFigures, ranges, statusTotals, type Filters, type Range } from '../adminMetricsQueries.js';
import { notFound, validate } from '../errors.js';
import { documented } from '../openapi/registry.js';
import { healthStatus } from './integrationViews.js';
import type { AdminRoutesDeps } from './admin.js';

const query = z.object({
  range: z.enum(Object.keys(ranges) as [Range], { error: `must be one of: ${Object.keys(ranges).join(', ')}` }).default('24h'),
  provider: z.enum(supportedProviders, { error: `must be one of: ${supportedProviders.join(', ')}` }).optional(),
  status: z.enum(['green', 'yellow', 'red', 'unknown'], { error: 'must be green, yellow, red or unknown' }).optional(),
  user: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must not be negative').default(0),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional()
    .meta({ description: 'csv: the whole filtered list (no paging) as a CSV download, audited as `export`; also chosen by `Accept: text/csv`' }),
}).strict();

const rate = z.number().min(0).max(1).nullable();
const figures = {
  checks: z.number().int(), ok: z.number().int(), degraded: z.number().int(), failed: z.number().int(),
  successRate: rate, failureRate: rate, latencyAvgMs: z.number().nullable(),
  latencyP50Ms: z.number().nullable(), latencyP95Ms: z.number().nullable(), latencyP99Ms: z.number().nullable(),
};
const integrationRow = z.object({
  integrationId: z.string(), userId: z.string(), provider: z.string(), displayName: z.string(), status: healthStatus,
  lastCheckedAt: z.iso.datetime().nullable(), lastSuccessAt: z.iso.datetime().nullable(),
  consecutiveFailures: z.number().int(), latencyMs: z.number().int().nullable(), errorCode: z.string().nullable(),
});
const metrics = z.object({
  range: z.enum(Object.keys(ranges) as [Range]),
  totals: z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int(), unknown: z.number().int() }),
  providers: z.array(z.object({ provider: z.string(), ...figures, trend: z.array(z.object({ bucketStart: z.iso.datetime(), ...figures })) }))
    .meta({ description: 'per provider over the range, from the hourly rollups, with a trend series (hourly; daily for 30d)' }),
  integrations: z.object({ items: z.array(integrationRow), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
    .meta({ description: 'the matching integrations, worst first' }),
});
const answers = {
  200: {
    description: 'figures and the integration list (JSON), or the list as CSV',
    body: metrics,
    media: { 'text/csv': { description: `header ${csvColumns.join(',')}; one row per integration`, example: `${csvColumns.join(',')}\n` } },
    headers: { 'Content-Disposition': 'on CSV: attachment; filename="pulse-<scope>-<date>.csv"' },
  },
};

export interface AdminMetricsDeps {
  now: () => number;
  /** Records an export in the audit log (admin actions are audited). */
  onExport?: (req: Request, res: Response, what: string) => Promise<void>;
}

export function adminMetricsRoutes(deps: AdminRoutesDeps & AdminMetricsDeps): Router {
  const api = documented(Router(), { tag: 'Admin: metrics', auth: 'admin' });

  const respond = async (req: Request, res: Response, filters: Filters, scope: string) => {
    const q = validate(query, req.query, 'query');
    const f = { ...filters, status: q.status, user: q.user, provider: filters.provider ?? q.provider };
    const wantsCsv = q.format === 'csv' || (q.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (wantsCsv) {
      const { items } = await adminIntegrationList(deps.db, f, null);
      await deps.onExport?.(req, res, `${scope} integrations csv`);
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', `attachment; filename="pulse-${scope.replace(/[^a-z0-9_-]/gi, '-')}-${new Date(deps.now()).toISOString().slice(0, 10)}.csv"`);
      res.write(`${csvColumns.join(',')}\n`);
      for (const row of items) res.write(`${csvColumns.map((c) => csvField(row[c])).join(',')}\n`);
      res.end();
      return;
    }
    const [totals, providers, list] = await Promise.all([
      statusTotals(deps.db, f),
      providerFigures(deps.db, q.range, deps.now(), f.provider),
      adminIntegrationList(deps.db, f, { limit: q.limit, offset: q.offset }),
    ]);
    res.json({ range: q.range, totals, providers, integrations: { ...list, limit: q.limit, offset: q.offset } });
  };

  api.get('/integrations/health', {
    summary: 'System-wide health figures',
    description: 'Totals by status, per-provider rates, latency percentiles and trends, and the integration list (filterable; CSV with `format=csv`).',
    query,
    responses: answers,
  }, (req, res) => respond(req, res, {}, 'all'));
  api.get('/providers/:provider/health', {
    summary: 'One provider drill-down',
    description: 'The same figures for one provider (`provider` in the query is ignored here).',
    params: z.object({ provider: z.enum(supportedProviders) }),
    query,
    responses: answers,
  }, (req, res) => {
    const provider = req.params.provider;
    if (!provider || !(supportedProviders as string[]).includes(provider)) throw notFound('provider');
    return respond(req, res, { provider }, provider);
  });

  return api.router;
}
