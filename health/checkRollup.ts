// Rollup arithmetic: which buckets a check falls into (by event time, never wall-clock) and
// how one batch of checks adds to them. Pure; the SQL in healthHistory.ts only adds the
// deltas computed here to the stored rows.
import type { HealthChecked } from './events.js';
import { degradation, type StatusRules } from './statusRules.js';
import { bucketOf, type LatencySketch } from './latencySketch.js';

export type Granularity = 'hour' | 'month';

export type CheckClass = 'ok' | 'degraded' | 'failed';

export function classify(check: HealthChecked, rules: StatusRules): CheckClass {
  if (check.outcome === 'failed') return 'failed';
  return degradation(check, rules) ? 'degraded' : 'ok';
}

export function bucketStart(eventTime: number, granularity: Granularity): number {
  if (granularity === 'hour') return Math.floor(eventTime / 3_600_000) * 3_600_000;
  const d = new Date(eventTime);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export interface RollupDelta {
  granularity: Granularity;
  bucketStart: number;
  /** integrationId for per-integration rollups, provider for per-provider ones. */
  scope: string;
  provider: string;
  checks: number;
  ok: number;
  degraded: number;
  failed: number;
  latencySumMs: number;
  latencyMaxMs: number;
  latencySketch: LatencySketch;
  errorsByCode: Record<string, number>;
}

/** Adds each check to its hour and month, per integration and per provider. */
export function rollupDeltas(checks: HealthChecked[], rules: StatusRules): { integration: RollupDelta[]; provider: RollupDelta[] } {
  const integration = new Map<string, RollupDelta>();
  const provider = new Map<string, RollupDelta>();
  const add = (into: Map<string, RollupDelta>, scope: string, granularity: Granularity, c: HealthChecked) => {
    const start = bucketStart(c.completedAt, granularity);
    const key = `${granularity}|${start}|${scope}`;
    let d = into.get(key);
    if (!d) {
      d = { granularity, bucketStart: start, scope, provider: c.provider, checks: 0, ok: 0, degraded: 0, failed: 0, latencySumMs: 0, latencyMaxMs: 0, latencySketch: {}, errorsByCode: {} };
      into.set(key, d);
    }
    d.checks++;
    d[classify(c, rules)]++;
    d.latencySumMs += c.durationMs;
    d.latencyMaxMs = Math.max(d.latencyMaxMs, c.durationMs);
    const b = String(bucketOf(c.durationMs));
    d.latencySketch[b] = (d.latencySketch[b] ?? 0) + 1;
    if (c.error) d.errorsByCode[c.error.code] = (d.errorsByCode[c.error.code] ?? 0) + 1;
  };
  for (const c of checks) {
    for (const g of ['hour', 'month'] as const) {
      add(integration, c.integrationId, g, c);
      add(provider, c.provider, g, c);
    }
  }
  // A stable order, so concurrent batches of different partitions lock shared rows (provider
  // buckets) in the same order and wait for each other instead of deadlocking.
  const ordered = (m: Map<string, RollupDelta>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, d]) => d);
  return { integration: ordered(integration), provider: ordered(provider) };
}
