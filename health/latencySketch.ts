// A mergeable latency sketch: counts per logarithmic bucket (bucket i holds values up to
// GAMMA^i ms), stored sparse as {"i": count}. Merging is adding counts, so hourly sketches
// add up to daily, monthly or provider-wide ones exactly, and any percentile comes back
// within ±5 % of the true value (DDSketch's relative-error idea with a fixed gamma).

export type LatencySketch = Record<string, number>;

const GAMMA = 1.1;
const LOG_GAMMA = Math.log(GAMMA);

export function bucketOf(ms: number): number {
  return ms <= 1 ? 0 : Math.ceil(Math.log(ms) / LOG_GAMMA);
}

/** The value a bucket stands for: the point with equal relative error to both its edges. */
export function bucketValue(index: number): number {
  return index === 0 ? 1 : (2 * GAMMA ** index) / (GAMMA + 1);
}

export function sketchOf(latencies: number[]): LatencySketch {
  const s: LatencySketch = {};
  for (const ms of latencies) {
    const k = String(bucketOf(ms));
    s[k] = (s[k] ?? 0) + 1;
  }
  return s;
}

export function mergeSketches(...sketches: LatencySketch[]): LatencySketch {
  const out: LatencySketch = {};
  for (const s of sketches) for (const [k, n] of Object.entries(s)) out[k] = (out[k] ?? 0) + Number(n);
  return out;
}

/** The q-quantile (0..1) in ms, or null for an empty sketch. */
export function quantile(sketch: LatencySketch, q: number): number | null {
  const entries = Object.entries(sketch).map(([k, n]) => [Number(k), Number(n)] as const).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  if (total === 0) return null;
  const rank = q * (total - 1);
  let seen = 0;
  for (const [index, n] of entries) {
    seen += n;
    if (seen > rank) return Math.round(bucketValue(index) * 10) / 10;
  }
  return Math.round(bucketValue((entries[entries.length - 1] as readonly [number, number])[0]) * 10) / 10;
}
