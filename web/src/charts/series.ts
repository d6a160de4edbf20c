// Turning history into chart columns: bucketed check counts and latency lines.
import type { RawCheck, Rollup } from '../api/types';

export type History = { kind: 'raw'; checks: RawCheck[] } | { kind: 'rollup'; buckets: Rollup[] };

export interface StatusColumns {
  x: number[];
  ok: number[];
  degraded: number[];
  failed: number[];
}

/** Bucket width for a range: about 120 bars, on round numbers. */
export function bucketSeconds(rangeHours: number): number {
  if (rangeHours <= 1) return 30;
  if (rangeHours <= 24) return 600;
  if (rangeHours <= 168) return 3_600;
  return 6 * 3_600;
}

/** Checks per bucket by outcome. Raw checks have no "degraded" (that is a verdict), rollups do. */
export function statusColumns(h: History, bucket: number): StatusColumns {
  const acc = new Map<number, { ok: number; degraded: number; failed: number }>();
  const add = (t: number, ok: number, degraded: number, failed: number) => {
    const key = Math.floor(t / 1000 / bucket) * bucket;
    const b = acc.get(key) ?? { ok: 0, degraded: 0, failed: 0 };
    b.ok += ok;
    b.degraded += degraded;
    b.failed += failed;
    acc.set(key, b);
  };
  if (h.kind === 'raw') for (const c of h.checks) add(Date.parse(c.checkedAt), c.outcome === 'succeeded' ? 1 : 0, 0, c.outcome === 'failed' ? 1 : 0);
  else for (const b of h.buckets) add(Date.parse(b.bucketStart), b.ok, b.degraded, b.failed);
  const keys = [...acc.keys()].sort((a, b) => a - b);
  return {
    x: keys.map((k) => k + bucket / 2),
    ok: keys.map((k) => acc.get(k)!.ok),
    degraded: keys.map((k) => acc.get(k)!.degraded),
    failed: keys.map((k) => acc.get(k)!.failed),
  };
}

export interface LatencyColumns {
  x: number[];
  lines: { label: string; values: (number | null)[] }[];
}

export function latencyColumns(h: History): LatencyColumns {
  if (h.kind === 'raw') {
    const sorted = [...h.checks].sort((a, b) => a.checkedAt.localeCompare(b.checkedAt));
    return { x: sorted.map((c) => Date.parse(c.checkedAt) / 1000), lines: [{ label: 'Duration', values: sorted.map((c) => c.durationMs) }] };
  }
  const sorted = [...h.buckets].sort((a, b) => a.bucketStart.localeCompare(b.bucketStart));
  return {
    x: sorted.map((b) => Date.parse(b.bucketStart) / 1000 + 1800),
    lines: [
      { label: 'Average', values: sorted.map((b) => b.latencyAvgMs) },
      { label: 'p95', values: sorted.map((b) => b.latencyP95Ms) },
    ],
  };
}
