// Read queries behind the user's integration list and history endpoints (projections only).
import type { Db } from '../platform/db.js';
import { quantile, mergeSketches, type LatencySketch } from '../health/latencySketch.js';
import { healthViewFromRow, type HealthView } from './readModel.js';

export const listSorts = { name: 'i.display_name', status: "coalesce(h.status, 'unknown')", lastCheckedAt: 'h.last_checked_at', provider: 'i.provider' } as const;

export interface ListQuery {
  status?: string[];
  provider?: string[];
  sort: keyof typeof listSorts;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export async function listIntegrations(db: Db, userId: string, q: ListQuery, docsBaseUrl: string): Promise<{ items: HealthView[]; total: number }> {
  const where = [`i.user_id = $1`, `i.state = 'active'`];
  const params: unknown[] = [userId];
  if (q.status?.length) where.push(`coalesce(h.status, 'unknown') = ANY($${params.push(q.status)})`);
  if (q.provider?.length) where.push(`i.provider = ANY($${params.push(q.provider)})`);
  const from = `FROM integrations i LEFT JOIN integration_health_checks h USING (integration_id) WHERE ${where.join(' AND ')}`;
  const [{ rows }, count] = await Promise.all([
    db.query(
      // h.* first: its columns (provider) are null before the first check and must not hide the integration's.
      `SELECT h.*, i.integration_id, i.provider, i.display_name, i.reauth_reason ${from}
        ORDER BY ${listSorts[q.sort]} ${q.order} NULLS LAST, i.integration_id
        LIMIT ${q.limit} OFFSET ${q.offset}`,
      params,
    ),
    db.query(`SELECT count(*)::int AS n ${from}`, params),
  ]);
  return { items: rows.map((r) => healthViewFromRow(r, docsBaseUrl)), total: count.rows[0].n };
}

export type Granularity = 'raw' | 'hourly' | 'monthly';

/** Raw checks for short ranges, hourly rollups up to 90 days, monthly beyond. */
export function autoGranularity(from: number, to: number): Granularity {
  const days = (to - from) / 86_400_000;
  return days <= 2 ? 'raw' : days <= 90 ? 'hourly' : 'monthly';
}

export interface HistoryPage {
  granularity: Granularity;
  items: Record<string, unknown>[];
  /** Pass as `before` for the next (older) page; null when there is no more. */
  nextBefore: string | null;
}

export async function integrationHistory(db: Db, integrationId: string, range: { from: number; to: number; before?: number }, granularity: Granularity, limit: number): Promise<HistoryPage> {
  const upper = Math.min(range.to, range.before ?? Number.POSITIVE_INFINITY);
  const args = [integrationId, range.from, upper, limit + 1];
  if (granularity === 'raw') {
    const { rows } = await db.query(
      `SELECT completed_at, trigger, attempt, outcome, duration_ms, http_status, error_code, steps, request_id
         FROM integration_health_history
        WHERE integration_id = $1 AND completed_at >= to_timestamp($2 / 1000.0) AND completed_at < to_timestamp($3 / 1000.0)
        ORDER BY completed_at DESC LIMIT $4`,
      args,
    );
    const page = rows.slice(0, limit);
    return {
      granularity,
      items: page.map((r) => ({
        checkedAt: r.completed_at.toISOString(), trigger: r.trigger, attempt: r.attempt, outcome: r.outcome,
        durationMs: r.duration_ms, httpStatus: r.http_status, errorCode: r.error_code,
        steps: (r.steps as { name: string; durationMs: number; outcome: string }[]).map(({ name, durationMs, outcome }) => ({ name, durationMs, outcome })),
      })),
      nextBefore: rows.length > limit ? (page[page.length - 1]?.completed_at as Date).toISOString() : null,
    };
  }
  const { rows } = await db.query(
    `SELECT bucket_start, checks, ok, degraded, failed, latency_sum_ms, latency_max_ms, latency_sketch, errors_by_code
       FROM health_rollups_integration
      WHERE integration_id = $1 AND granularity = '${granularity === 'hourly' ? 'hour' : 'month'}'
        AND bucket_start >= to_timestamp($2 / 1000.0) AND bucket_start < to_timestamp($3 / 1000.0)
      ORDER BY bucket_start DESC LIMIT $4`,
    args,
  );
  const page = rows.slice(0, limit);
  return {
    granularity,
    items: page.map((r) => rollupView(r)),
    nextBefore: rows.length > limit ? (page[page.length - 1]?.bucket_start as Date).toISOString() : null,
  };
}

export function rollupView(r: Record<string, any>) {
  const checks = Number(r.checks);
  const sketch = mergeSketches(r.latency_sketch as LatencySketch);
  return {
    bucketStart: r.bucket_start.toISOString(),
    checks, ok: Number(r.ok), degraded: Number(r.degraded), failed: Number(r.failed),
    successRate: checks ? Number(((Number(r.ok) + Number(r.degraded)) / checks).toFixed(4)) : null,
    latencyAvgMs: checks ? Math.round(Number(r.latency_sum_ms) / checks) : null,
    latencyMaxMs: r.latency_max_ms,
    latencyP50Ms: quantile(sketch, 0.5), latencyP95Ms: quantile(sketch, 0.95), latencyP99Ms: quantile(sketch, 0.99),
    errorsByCode: Object.fromEntries(Object.entries(r.errors_by_code as Record<string, number>).map(([k, v]) => [k, Number(v)])),
  };
}
