// Prometheus metrics at GET /metrics. Gauges are refreshed from their source on each scrape
// (prom-client calls `collect`), so no background timer and no stale numbers between scrapes.
import type { RequestHandler } from 'express';
import { Gauge, Registry } from 'prom-client';
import { deadLetterSummary, type DeadLetterDeps } from '../consumers/deadLetterAdmin.js';

export function metricsRoute(deps: DeadLetterDeps & { processMetrics?: Registry }): RequestHandler {
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
  return async (_req, res) => {
    // The process's own metrics (e.g. a worker running in the same process) join the API's.
    const all = deps.processMetrics ? Registry.merge([registry, deps.processMetrics]) : registry;
    res.type(registry.contentType).send(await all.metrics());
  };
}
