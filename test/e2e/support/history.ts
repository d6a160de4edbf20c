// A week of believable check history for the e2e integrations, produced as HealthChecked
// events with past event times, so the charts have something to draw and the projections
// bucket it exactly as they would real checks. Deterministic (seeded), so screenshots compare.
import { randomUUID } from 'node:crypto';
import type { HealthChecked } from '../../../health/events.js';
import type { Runtime } from '../../../platform/runtime.js';
import { eventually } from '../../support/pulse.js';

export interface SeedProfile {
  integrationId: string;
  userId: string;
  provider: string;
  /** Typical latency, ms. */
  latencyMs: number;
  steps: string[];
  /** Failure windows: [hours ago from, hours ago to, error code]. */
  incidents?: [number, number, string][];
  /** Chance of a stray failure per check. */
  flakiness?: number;
}

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const H = 3_600_000;

/** Check times: every 30 min for a week, every 5 min for the last day, every minute for the last hour. */
function times(now: number): number[] {
  const out: number[] = [];
  for (let t = now - 168 * H; t < now - 24 * H; t += 30 * 60_000) out.push(t);
  for (let t = now - 24 * H; t < now - H; t += 5 * 60_000) out.push(t);
  for (let t = now - H; t < now - 2 * 60_000; t += 60_000) out.push(t);
  return out;
}

export function historyEvents(profiles: SeedProfile[], now: number): HealthChecked[] {
  const random = prng(7);
  const events: HealthChecked[] = [];
  for (const p of profiles) {
    for (const startedAt of times(now)) {
      const hoursAgo = (now - startedAt) / H;
      const incident = p.incidents?.find(([from, to]) => hoursAgo <= from && hoursAgo >= to);
      const stray = random() < (p.flakiness ?? 0);
      const failed = !!incident || stray;
      const daily = 1 + 0.35 * Math.sin((2 * Math.PI * (startedAt % (24 * H))) / (24 * H));
      const durationMs = Math.max(1, Math.round(p.latencyMs * daily * (0.75 + random() * 0.5) * (random() < 0.03 ? 2.5 : 1)));
      const code = incident?.[2] ?? 'timeout';
      const share = durationMs / p.steps.length;
      events.push({
        type: 'HealthChecked', eventId: randomUUID(), integrationId: p.integrationId, userId: p.userId, provider: p.provider,
        trigger: 'scheduled', attempt: 1, startedAt, completedAt: startedAt + durationMs, durationMs,
        outcome: failed ? 'failed' : 'succeeded',
        steps: p.steps.map((name, i) => ({
          name, durationMs: Math.round(share), outcome: failed && i === p.steps.length - 1 ? 'failed' : 'succeeded', detail: null,
        })),
        httpStatus: failed && code === 'timeout' ? null : failed ? 503 : 200,
        error: failed ? { code, message: code, retryAfterSeconds: null } : null,
        quota: null, nextCheckAt: startedAt + 300_000, tokenExpiresAt: null, tokenRefreshable: true, requestId: null,
      });
    }
  }
  return events;
}

/** Produces the history and waits until the history projection has stored all of it. */
export async function seedHistory(rt: Runtime, profiles: SeedProfile[], now = Date.now()): Promise<number> {
  const events = historyEvents(profiles, now);
  const producer = await rt.kafka.producer();
  try {
    for (let i = 0; i < events.length; i += 500) {
      await producer.send(rt.topics.checks, await Promise.all(events.slice(i, i + 500).map((e) => rt.codec.encode(e))));
    }
  } finally {
    await producer.close();
  }
  const ids = profiles.map((p) => p.integrationId);
  await eventually(async () => {
    const { rows } = await rt.db.query(
      'SELECT count(*)::int AS n FROM integration_health_history WHERE integration_id = ANY($1) AND completed_at <= to_timestamp($2 / 1000.0)',
      [ids, now - 60_000],
    );
    return rows[0].n >= events.length;
  }, 'the seeded history to be projected', 60_000, 250);
  return events.length;
}
