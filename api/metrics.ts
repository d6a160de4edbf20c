// Prometheus metrics at GET /metrics. Gauges are refreshed from their source on each scrape
// (prom-client calls `collect`), so no background timer and no stale numbers between scrapes.
//
// Who may scrape (docs/security.md#metrics): with METRICS_TOKEN set, only a request carrying
// `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time), on the API port and on
// the probe port alike. Without it the API port — the public one — does not serve /metrics at
// all (404 not_found), while the probe port of other roles, internal by
// deployment, serves it to whoever reaches it.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { Gauge, Registry } from 'prom-client';
import { deadLetterSummary, type DeadLetterDeps } from '../consumers/deadLetterAdmin.js';
import { HttpError } from './errors.js';

export type MetricsAccess = 'allowed' | 'unauthorized' | 'hidden';

/**
 * Whether a scrape may see the metrics. `whenNoToken` is what an unconfigured deployment
 * does: the API port hides them, the probe port allows them.
 */
export function metricsAccess(token: string | undefined, authorization: string | undefined, whenNoToken: 'hidden' | 'allowed'): MetricsAccess {
  if (token === undefined) return whenNoToken;
  const given = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (given === undefined) return 'unauthorized';
  // Equal-length digests, so neither the length nor a prefix of the token shows in the timing.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token)) ? 'allowed' : 'unauthorized';
}

export function metricsRoute(deps: DeadLetterDeps & { processMetrics?: Registry; metricsToken?: string }): RequestHandler {
  // A registry per app rather than prom-client's global one: tests build several apps in one
  // process, and the global registry refuses a second metric of the same name.
  const registry = new Registry();
  new Gauge({
    name: 'pulse_dead_letters_pending',
    help: 'Dead letters not yet re-driven, by source topic (lifecycle, checks)',
    labelNames: ['topic'],
    registers: [registry],
    async collect() {
      for (const { topic, pending } of await deadLetterSummary(deps)) this.set({ topic }, pending);
    },
  });
  return async (req, res, next) => {
    const access = metricsAccess(deps.metricsToken, req.get('authorization'), 'hidden');
    if (access === 'hidden') return next(new HttpError(404, 'not_found', 'metrics are not served on this port'));
    if (access === 'unauthorized') {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      return next(new HttpError(401, 'unauthenticated', 'a valid metrics bearer token is required'));
    }
    // The process's own metrics (e.g. a worker running in the same process) join the API's.
    const all = deps.processMetrics ? Registry.merge([registry, deps.processMetrics]) : registry;
    res.type(registry.contentType).send(await all.metrics());
  };
}
