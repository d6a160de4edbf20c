import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { HealthChecked } from '../../health/events.js';
import { quantile } from '../../health/latencySketch.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { seededRandom } from '../support/processes.js';
import { startPulse, type RunningPulse } from '../support/pulse.js';
import { caughtUp } from '../support/signals.js';

interface Expected { checks: number; ok: number; degraded: number; failed: number; latencySum: number; latencyMax: number; errors: Record<string, number> }

/** Counts computed straight from the events with string arithmetic, independent of the projection's code. */
function expectedCounts(events: HealthChecked[], keyOf: (e: HealthChecked) => string): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const e of events) {
    const k = keyOf(e);
    const x = out.get(k) ?? { checks: 0, ok: 0, degraded: 0, failed: 0, latencySum: 0, latencyMax: 0, errors: {} };
    x.checks++;
    if (e.outcome === 'failed') x.failed++;
    else if (e.durationMs > 2000) x.degraded++; // SLOW_CHECK_MS default
    else x.ok++;
    x.latencySum += e.durationMs;
    x.latencyMax = Math.max(x.latencyMax, e.durationMs);
    if (e.error) x.errors[e.error.code] = (x.errors[e.error.code] ?? 0) + 1;
    out.set(k, x);
  }
  return out;
}

const hourOf = (e: HealthChecked) => new Date(e.completedAt).toISOString().slice(0, 13);
const monthOf = (e: HealthChecked) => new Date(e.completedAt).toISOString().slice(0, 7);

describe('hourly and monthly rollups (by event time, exact counts)', function () {
  this.timeout(90_000);
  let pulse: RunningPulse;
  before(async () => { pulse = await startPulse({ roles: ['projectors'] }); });
  after(async () => pulse?.stop());

  it('match counts computed independently from events spanning several months, duplicates counted once', async () => {
    const { rt } = pulse;
    const tag = randomUUID().slice(0, 8);
    const providers = ['gmail', 'slack', 'http'].map((p) => `${p}-${tag}`);
    const integrations = Array.from({ length: 12 }, (_, i) => ({ id: randomUUID(), provider: providers[i % 3] as string }));
    const from = Date.parse('2026-07-01T00:00:00Z');
    const to = Date.parse('2026-10-31T23:59:59Z');
    const codes = ['timeout', 'server_error', 'unauthorized'];
    const random = seededRandom(); // KILL_SEED=<seed> replays the same events
    const seed = `seed ${random.seed}`;
    const events: HealthChecked[] = Array.from({ length: 1500 }, (_, i) => {
      const it = integrations[i % integrations.length] as { id: string; provider: string };
      const startedAt = from + Math.floor(random.next() * (to - from));
      const durationMs = random.next() < 0.2 ? 2001 + Math.floor(random.next() * 3000) : 1 + Math.floor(random.next() * 1999);
      const base = { integrationId: it.id, provider: it.provider, startedAt, durationMs, completedAt: startedAt + durationMs };
      return random.next() < 0.25 ? aFailedCheck(codes[i % 3] as string, base) : aCheck(base);
    });
    const duplicates = events.slice(0, 60);

    const producer = await rt.kafka.producer();
    for (let i = 0; i < events.length; i += 250) {
      await producer.send(rt.topics.checks, await Promise.all(events.slice(i, i + 250).map((e) => rt.codec.encode(e))));
    }
    await producer.send(rt.topics.checks, await Promise.all(duplicates.map((e) => rt.codec.encode(e))));
    await producer.close();

    const ids = integrations.map((i) => i.id);
    // The duplicates come last: once the projection is past them, they have been applied (or not).
    await caughtUp(rt, { projection: 'health_history' }, [rt.topics.checks]);
    const { rows: [history] } = await rt.db.query(`SELECT count(*)::int AS n FROM integration_health_history WHERE integration_id = ANY($1)`, [ids]);
    const { rows: [rolled] } = await rt.db.query(`SELECT coalesce(sum(checks), 0)::int AS n FROM health_rollups_provider WHERE provider = ANY($1) AND granularity = 'month'`, [providers]);
    expect([history.n, rolled.n], 'history rows and monthly checks').to.deep.equal([events.length, events.length]);

    const compare = async (sql: string, params: unknown[], expected: Map<string, Expected>) => {
      const { rows } = await rt.db.query(sql, params);
      const actual = new Map(rows.map((r) => [r.k as string, {
        checks: Number(r.checks), ok: Number(r.ok), degraded: Number(r.degraded), failed: Number(r.failed),
        latencySum: Number(r.latency_sum_ms), latencyMax: r.latency_max_ms, errors: Object.fromEntries(Object.entries(r.errors_by_code).map(([c, n]) => [c, Number(n)])),
      }]));
      expect(actual, seed).to.deep.equal(expected);
    };
    const fmt = (g: string) => (g === 'hour' ? `to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')` : `to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM')`);
    for (const [g, bucketOfEvent] of [['hour', hourOf], ['month', monthOf]] as const) {
      await compare(
        `SELECT integration_id || ' ' || ${fmt(g)} AS k, * FROM health_rollups_integration WHERE integration_id = ANY($1) AND granularity = $2`,
        [ids, g], expectedCounts(events, (e) => `${e.integrationId} ${bucketOfEvent(e)}`),
      );
      await compare(
        `SELECT provider || ' ' || ${fmt(g)} AS k, * FROM health_rollups_provider WHERE provider = ANY($1) AND granularity = $2`,
        [providers, g], expectedCounts(events, (e) => `${e.provider} ${bucketOfEvent(e)}`),
      );
    }

    // The sketch answers percentiles within its ±5 % error bound.
    const { rows } = await rt.db.query(`SELECT latency_sketch FROM health_rollups_provider WHERE provider = $1 AND granularity = 'month' AND bucket_start = '2026-08-01T00:00:00Z'`, [providers[0]]);
    const latencies = events.filter((e) => e.provider === providers[0] && monthOf(e) === '2026-08').map((e) => e.durationMs).sort((a, b) => a - b);
    const exactP95 = latencies[Math.floor(0.95 * (latencies.length - 1))] as number;
    expect(quantile(rows[0].latency_sketch, 0.95), seed).to.be.within(exactP95 * 0.94, exactP95 * 1.06);

    // History is partitioned by month of event time.
    const parts = await rt.db.query(`SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM integration_health_history WHERE integration_id = ANY($1) GROUP BY 1 ORDER BY 1`, [ids]);
    const expectedParts = new Map<string, number>();
    for (const e of events) {
      const p = `integration_health_history_p${monthOf(e).replace('-', '_')}`;
      expectedParts.set(p, (expectedParts.get(p) ?? 0) + 1);
    }
    expect(new Map(parts.rows.map((r) => [r.p, r.n]))).to.deep.equal(new Map([...expectedParts].sort()));
  });
});
