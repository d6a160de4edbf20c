// Liveness, readiness and Prometheus metrics: what orchestrators and scrapers call. Open.
import { Router } from 'express';
import { z } from 'zod';
import type { DeadLetterDeps } from '../../consumers/deadLetterAdmin.js';
import { metricsRoute } from '../metrics.js';
import { documented } from '../openapi/registry.js';

export interface ProbeDeps extends DeadLetterDeps {
  /** Whether the process can serve: Postgres answers (the API reads only projections). */
  ready: () => Promise<boolean>;
}

const ok = z.object({ ok: z.boolean() });

export function probeRoutes(deps: ProbeDeps): Router {
  const api = documented(Router(), { tag: 'Operations', auth: 'none' });

  api.get('/healthz', { summary: 'Liveness', responses: { 200: { description: 'the process runs', body: ok } } }, (_req, res) => {
    res.json({ ok: true });
  });

  api.get('/readyz', {
    summary: 'Readiness',
    responses: { 200: { description: 'Postgres answers: ready to serve', body: ok }, 503: { description: 'not ready', body: ok } },
  }, async (_req, res) => {
    const ready = await deps.ready().catch(() => false);
    res.status(ready ? 200 : 503).json({ ok: ready });
  });

  api.get('/metrics', {
    summary: 'Prometheus metrics',
    description: 'Includes `pulse_dead_letters_pending{topic}`.',
    responses: { 200: { description: 'text exposition format', media: { 'text/plain': { description: 'Prometheus text format 0.0.4' } } } },
  }, metricsRoute(deps));

  return api.router;
}
