// System-wide figures for admins, from projections only: current status counts from
// integration_health_checks, rates/latency/trends from the hourly provider rollups (never raw
// history, so a 30-day chart reads at most 720 rows per provider).
import type { Db } from '../platform/db.js';
import { mergeSketches, quantile, type LatencySketch } from '../health/latencySketch.js';

export const ranges = { '24h': { hours: 24, bucket: 'hour' }, '7d': { hours: 168, bucket: 'hour' }, '30d': { hours: 720, bucket: 'day' } } as const;
export type Range = keyof typeof ranges;

export interface Filters {
  provider?: string;
  status?: string;
  user?: string;
}

function integrationWhere(f: Filters, params: unknown[]): string {
  const where = [`i.state = 'active'`];
  if (f.provider) where.push(`i.provider = $${params.push(f.provider)}`);
  if (f.status) where.push(`coalesce(h.status, 'unknown') = $${params.push(f.status)}`);
  if (f.user) where.push(`i.user_id = $${params.push(f.user)}`);
  return where.join(' AND ');
}

export async function statusTotals(db: Db, f: Filters): Promise<Record<string, number>> {
  const params: unknown[] = [];
  const { rows } = await db.query(
    `SELECT coalesce(h.status, 'unknown') AS status, count(*)::int AS n
       FROM integrations i LEFT JOIN integration_health_checks h USING (integration_id)
      WHERE ${integrationWhere(f, params)} GROUP BY 1`,
    params,
  );
  const totals: Record<string, number> = { green: 0, yellow: 0, red: 0, unknown: 0 };
  for (const r of rows) totals[r.status] = r.n;
  return totals;
}

interface Counts { checks: number; ok: number; degraded: number; failed: number; latencySumMs: number; sketch: LatencySketch }

function figures(c: Counts) {
  return {
    checks: c.checks, ok: c.ok, degraded: c.degraded, failed: c.failed,
    successRate: c.checks ? Number(((c.ok + c.degraded) / c.checks).toFixed(4)) : null,
    failureRate: c.checks ? Number((c.failed / c.checks).toFixed(4)) : null,
    latencyAvgMs: c.checks ? Math.round(c.latencySumMs / c.checks) : null,
    latencyP50Ms: quantile(c.sketch, 0.5), latencyP95Ms: quantile(c.sketch, 0.95), latencyP99Ms: quantile(c.sketch, 0.99),
  };
}

/** Per-provider figures over the range and a trend series per provider. */
export async function providerFigures(db: Db, range: Range, now: number, provider?: string) {
  const { hours, bucket } = ranges[range];
  const params: unknown[] = [now - hours * 3_600_000];
  const only = provider ? `AND provider = $${params.push(provider)}` : '';
  const { rows } = await db.query(
    `SELECT provider, date_trunc('${bucket}', bucket_start, 'UTC') AS bucket, sum(checks)::bigint AS checks, sum(ok)::bigint AS ok,
            sum(degraded)::bigint AS degraded, sum(failed)::bigint AS failed, sum(latency_sum_ms)::bigint AS latency_sum_ms,
            jsonb_agg(latency_sketch) AS sketches
       FROM health_rollups_provider
      WHERE granularity = 'hour' AND bucket_start >= to_timestamp($1 / 1000.0) ${only}
      GROUP BY provider, bucket ORDER BY provider, bucket`,
    params,
  );
  const out: Record<string, { total: Counts; trend: (ReturnType<typeof figures> & { bucketStart: string })[] }> = {};
  for (const r of rows) {
    const c: Counts = {
      checks: Number(r.checks), ok: Number(r.ok), degraded: Number(r.degraded), failed: Number(r.failed),
      latencySumMs: Number(r.latency_sum_ms), sketch: mergeSketches(...(r.sketches as LatencySketch[])),
    };
    const p = (out[r.provider] ??= { total: { checks: 0, ok: 0, degraded: 0, failed: 0, latencySumMs: 0, sketch: {} }, trend: [] });
    p.trend.push({ bucketStart: r.bucket.toISOString(), ...figures(c) });
    p.total = {
      checks: p.total.checks + c.checks, ok: p.total.ok + c.ok, degraded: p.total.degraded + c.degraded, failed: p.total.failed + c.failed,
      latencySumMs: p.total.latencySumMs + c.latencySumMs, sketch: mergeSketches(p.total.sketch, c.sketch),
    };
  }
  return Object.entries(out).map(([name, p]) => ({ provider: name, ...figures(p.total), trend: p.trend }));
}

export interface AdminIntegrationRow {
  integrationId: string; userId: string; provider: string; displayName: string; status: string;
  lastCheckedAt: string | null; lastSuccessAt: string | null; consecutiveFailures: number; latencyMs: number | null; errorCode: string | null;
}

export async function adminIntegrationList(db: Db, f: Filters, page: { limit: number; offset: number } | null): Promise<{ items: AdminIntegrationRow[]; total: number }> {
  const params: unknown[] = [];
  const where = integrationWhere(f, params);
  const from = `FROM integrations i LEFT JOIN integration_health_checks h USING (integration_id) WHERE ${where}`;
  const limit = page ? `LIMIT ${page.limit} OFFSET ${page.offset}` : '';
  const [{ rows }, count] = await Promise.all([
    db.query(
      `SELECT i.integration_id, i.user_id, i.provider, i.display_name, coalesce(h.status, 'unknown') AS status, h.last_checked_at,
              h.last_success_at, coalesce(h.consecutive_failures, 0) AS consecutive_failures, h.latency_ms, h.error_code
         ${from} ORDER BY CASE coalesce(h.status, 'unknown') WHEN 'red' THEN 0 WHEN 'yellow' THEN 1 WHEN 'unknown' THEN 2 ELSE 3 END,
                          i.provider, i.display_name, i.integration_id ${limit}`,
      params,
    ),
    db.query(`SELECT count(*)::int AS n ${from}`, params),
  ]);
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    total: count.rows[0].n,
    items: rows.map((r) => ({
      integrationId: r.integration_id, userId: r.user_id, provider: r.provider, displayName: r.display_name, status: r.status,
      lastCheckedAt: iso(r.last_checked_at), lastSuccessAt: iso(r.last_success_at), consecutiveFailures: r.consecutive_failures,
      latencyMs: r.latency_ms, errorCode: r.error_code,
    })),
  };
}

export const csvColumns: (keyof AdminIntegrationRow)[] = ['integrationId', 'userId', 'provider', 'displayName', 'status', 'lastCheckedAt', 'lastSuccessAt', 'consecutiveFailures', 'latencyMs', 'errorCode'];

/** RFC 4180 field quoting; a leading =,+,-,@ is prefixed so spreadsheets do not run it as a formula. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
