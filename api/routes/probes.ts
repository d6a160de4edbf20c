// Liveness, readiness and Prometheus metrics: what orchestrators and scrapers call. Probes are
// open; /metrics needs METRICS_TOKEN as a bearer token, and without one is not served here (api/metrics.ts).
import { Router } from 'express';
import { z } from 'zod';
import type { DeadLetterDeps } from '../../consumers/deadLetterAdmin.js';
import type { Readiness } from '../../platform/readiness.js';
import type { Registry } from 'prom-client';
import { metricsRoute } from '../metrics.js';
import { documented } from '../openapi/registry.js';

export interface ProbeDeps extends DeadLetterDeps {
  /** Whether the process can do its job: Postgres, Kafka and the schema registry answer. */
  ready: () => Promise<Readiness>;
  /** Metrics of other roles in this process, served with the API's own. */
  processMetrics?: Registry;
  /** METRICS_TOKEN: the bearer token that opens /metrics; without it /metrics answers 404 here. */
  metricsToken?: string;
}

const ok = z.object({ ok: z.boolean() });
const up = z.enum(['up', 'down']);
const readiness = z.object({
  ok: z.boolean(),
  dependencies: z.object({ postgres: up, kafka: up, registry: up }).meta({ description: 'each dependency as this instance sees it' }),
});

export function probeRoutes(deps: ProbeDeps): Router {
  const api = documented(Router(), { tag: 'Operations', auth: 'none' });

  api.get('/healthz', { summary: 'Liveness', responses: { 200: { description: 'the process runs', body: ok } } }, (_req, res) => {
    res.json({ ok: true });
  });

  api.get('/readyz', {
    summary: 'Readiness',
    description: 'Ready when Postgres (the projections it reads), Kafka (where it records commands) and the schema registry all answer; the body says which does not.',
    responses: { 200: { description: 'ready to serve', body: readiness }, 503: { description: 'not ready: see `dependencies`', body: readiness } },
  }, async (_req, res) => {
    const { ready, dependencies } = await deps.ready();
    res.status(ready ? 200 : 503).json({ ok: ready, dependencies });
  });

  api.get('/metrics', {
    summary: 'Prometheus metrics',
    description: 'Needs `Authorization: Bearer <METRICS_TOKEN>`; when METRICS_TOKEN is not configured this port does not serve metrics (404). '
      + 'Includes `pulse_dead_letters_pending{topic}` and, where a check worker runs in the same process, `pulse_check_outbox_*` and `pulse_check_slots_skipped_total`.',
    responses: {
      200: { description: 'text exposition format', media: { 'text/plain': { description: 'Prometheus text format 0.0.4' } } },
      401: '`unauthenticated`: no or a wrong bearer token',
      404: '`not_found`: METRICS_TOKEN is not configured, so metrics are not served on this port',
    },
  }, metricsRoute(deps));

  return api.router;
}
