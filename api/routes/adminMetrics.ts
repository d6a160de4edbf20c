// /api/admin/integrations/health and /api/admin/providers/:provider/health: system-wide and
// per-provider figures, trends for the charts, the integration list; `?format=csv` (or
// Accept: text/csv) streams the list as CSV.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { supportedProviders } from '../../producers/checks/index.js';
import { adminIntegrationList, csvColumns, csvField, providerFigures, ranges, statusTotals, type Filters, type Range } from '../adminMetricsQueries.js';
import { notFound, validate } from '../errors.js';
import type { AdminRoutesDeps } from './admin.js';

const query = z.object({
  range: z.enum(Object.keys(ranges) as [Range], { error: `must be one of: ${Object.keys(ranges).join(', ')}` }).default('24h'),
  provider: z.enum(supportedProviders, { error: `must be one of: ${supportedProviders.join(', ')}` }).optional(),
  status: z.enum(['green', 'yellow', 'red', 'unknown'], { error: 'must be green, yellow, red or unknown' }).optional(),
  user: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(500, 'must be at most 500').default(50),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must not be negative').default(0),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional(),
}).strict();

export interface AdminMetricsDeps {
  now: () => number;
  /** Records an export in the audit log (admin actions are audited). */
  onExport?: (req: Request, res: Response, what: string) => Promise<void>;
}

export function adminMetricsRoutes(deps: AdminRoutesDeps & AdminMetricsDeps): Router {
  const router = Router();

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

  router.get('/integrations/health', (req, res) => respond(req, res, {}, 'all'));
  router.get('/providers/:provider/health', (req, res) => {
    const provider = req.params.provider;
    if (!(supportedProviders as string[]).includes(provider)) throw notFound('provider');
    return respond(req, res, { provider }, provider);
  });

  return router;
}
