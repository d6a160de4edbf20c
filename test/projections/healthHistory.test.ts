// Projection `health_history`: one history row per check (facts only, in monthly partitions by
// event time) and the hourly and monthly rollups per integration and per provider.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { bucketOf } from '../../health/latencySketch.js';
import { healthHistoryProjection } from '../../projections/healthHistory.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { projectionSpec, type Then } from '../support/projectionSpec.js';

const hour = 3_600_000;
const t0 = Date.parse('2026-11-01T10:00:00Z');

describe('projection: health_history', () => {
  const spec = projectionSpec(healthHistoryProjection({ slowCheckMs: 2_000, failuresBeforeRed: 3 }));
  // A provider of each spec's own: provider buckets are shared by every integration of a provider.
  let integrationId: string;
  let provider: string;
  beforeEach(() => {
    integrationId = `int-${randomUUID()}`;
    provider = `spec-${randomUUID().slice(0, 8)}`;
  });
  const of = (startedAt: number, more = {}) => ({ integrationId, provider, startedAt, ...more });

  const history = ({ rows }: Then) =>
    rows('SELECT event_id, outcome, error_code, completed_at FROM integration_health_history WHERE integration_id = $1 ORDER BY completed_at', [integrationId]);
  const rollups = ({ rows }: Then, table: 'health_rollups_integration' | 'health_rollups_provider', granularity: 'hour' | 'month') =>
    rows(
      `SELECT bucket_start, checks, ok, degraded, failed, latency_sum_ms, latency_max_ms, latency_sketch, errors_by_code
         FROM ${table} WHERE ${table === 'health_rollups_integration' ? 'integration_id' : 'provider'} = $1 AND granularity = $2 ORDER BY bucket_start`,
      [table === 'health_rollups_integration' ? integrationId : provider, granularity],
    );

  it('a check is stored as it happened: one history row with its facts', () => {
    const check = aFailedCheck('rate_limited', {
      ...of(t0), attempt: 2, trigger: 'retry', httpStatus: 429, quota: { used: 1000, limit: 1000 },
      error: { code: 'rate_limited', message: 'HTTP 429', retryAfterSeconds: 30 }, requestId: 'req-1',
      steps: [{ name: 'request', durationMs: 120, outcome: 'failed', detail: 'HTTP 429' }],
    });
    return spec.given(check).thenRows(async (t) => {
      const [row] = await t.rows(
        `SELECT user_id, provider, trigger, attempt, started_at, completed_at, duration_ms, outcome, http_status, error_code, error_message,
                retry_after_seconds, quota_used, quota_limit, steps, next_check_at, token_expires_at, token_refreshable, request_id
           FROM integration_health_history WHERE event_id = $1`,
        [check.eventId],
      );
      expect(row).to.deep.equal({
        user_id: 'user-1', provider, trigger: 'retry', attempt: 2, started_at: new Date(t0), completed_at: new Date(t0 + 120), duration_ms: 120,
        outcome: 'failed', http_status: 429, error_code: 'rate_limited', error_message: 'HTTP 429', retry_after_seconds: 30,
        quota_used: 1000, quota_limit: 1000, steps: [{ name: 'request', durationMs: 120, outcome: 'failed', detail: 'HTTP 429' }],
        next_check_at: new Date(t0 + 300_000), token_expires_at: null, token_refreshable: true, request_id: 'req-1',
      });
      expect(t.changed).to.deep.equal([[integrationId]]);
    });
  });

  it('checks add up in their hour and month: counts by class, latency sum, max and sketch, errors by code', () =>
    spec
      .given(
        aCheck(of(t0, { durationMs: 100 })),
        aCheck(of(t0 + 60_000, { durationMs: 2_500 })), // slow: degraded
        aFailedCheck('timeout', of(t0 + 120_000, { durationMs: 10_000 })),
      )
      .given(aFailedCheck('timeout', of(t0 + 180_000, { durationMs: 400 })))
      .thenRows(async (t) => {
        const expected = {
          checks: 4, ok: 1, degraded: 1, failed: 2, latency_sum_ms: 13_000, latency_max_ms: 10_000,
          latency_sketch: { [bucketOf(100)]: 1, [bucketOf(2_500)]: 1, [bucketOf(10_000)]: 1, [bucketOf(400)]: 1 }, errors_by_code: { timeout: 2 },
        };
        expect(await rollups(t, 'health_rollups_integration', 'hour')).to.deep.equal([{ bucket_start: new Date(t0), ...expected }]);
        expect(await rollups(t, 'health_rollups_integration', 'month')).to.deep.equal([{ bucket_start: new Date('2026-11-01T00:00:00Z'), ...expected }]);
      }));

  it('a provider bucket adds up the checks of all its integrations', () => {
    const other = `int-${randomUUID()}`;
    return spec
      .given(aCheck(of(t0)), aFailedCheck('server_error', { ...of(t0 + 60_000), integrationId: other }))
      .given(aFailedCheck('server_error', { ...of(t0 + 120_000), integrationId: other }))
      .thenRows(async (t) => {
        const [bucket] = await rollups(t, 'health_rollups_provider', 'hour');
        expect(bucket).to.include({ checks: 3, ok: 1, failed: 2 });
        expect(bucket?.errors_by_code).to.deep.equal({ server_error: 2 });
        const [mine] = await rollups(t, 'health_rollups_integration', 'hour');
        expect(mine).to.include({ checks: 1, ok: 1 });
      });
  });

  it('the same check delivered twice, in one batch or in two, is stored once and counted once', () => {
    const check = aFailedCheck('timeout', of(t0));
    return spec
      .given(check, check)
      .given(check)
      .thenRows(async (t) => {
        expect(await history(t)).to.have.length(1);
        for (const table of ['health_rollups_integration', 'health_rollups_provider'] as const) {
          for (const granularity of ['hour', 'month'] as const) {
            const buckets = await rollups(t, table, granularity);
            expect(buckets.map((b) => b.checks), `${table} ${granularity}`).to.deep.equal([1]);
            expect(buckets[0]?.errors_by_code).to.deep.equal({ timeout: 1 });
          }
        }
        // Nothing new for the WebSocket push the second time.
        expect(t.changed).to.deep.equal([[integrationId], []]);
      });
  });

  it('a check is bucketed by when it completed, not by when it started or when it was projected', () =>
    // Started 10:59:59.950, completed 11:00:00.050: the 11:00 hour.
    spec.given(aCheck(of(t0 + hour - 50, { durationMs: 100 }))).thenRows(async (t) => {
      expect((await rollups(t, 'health_rollups_integration', 'hour')).map((b) => b.bucket_start)).to.deep.equal([new Date(t0 + hour)]);
    }));

  it('a late check from an earlier hour adds to that hour, not to the latest one', () =>
    spec
      .given(aCheck(of(t0 + 2 * hour)))
      .given(aFailedCheck('timeout', of(t0)))
      .thenRows(async (t) => {
        const buckets = await rollups(t, 'health_rollups_integration', 'hour');
        expect(buckets.map((b) => [b.bucket_start, b.ok, b.failed])).to.deep.equal([[new Date(t0), 0, 1], [new Date(t0 + 2 * hour), 1, 0]]);
        const [month] = await rollups(t, 'health_rollups_integration', 'month');
        expect(month).to.include({ checks: 2, ok: 1, failed: 1 });
        expect((await history(t)).map((r) => r.outcome)).to.deep.equal(['failed', 'succeeded']);
      }));

  it('a check in a month with no partition yet creates the partition and lands in it', () => {
    const check = aCheck(of(Date.parse('2031-03-15T08:00:00Z')));
    return spec.given(check).thenRows(async (t) => {
      const [row] = await t.rows('SELECT tableoid::regclass::text AS partition FROM integration_health_history WHERE event_id = $1', [check.eventId]);
      expect(row).to.deep.equal({ partition: 'integration_health_history_p2031_03' });
      const [month] = await rollups(t, 'health_rollups_integration', 'month');
      expect(month?.bucket_start).to.deep.equal(new Date('2031-03-01T00:00:00Z'));
    });
  });

  it('checks either side of a month boundary go to two partitions and two month buckets', () =>
    spec
      .given(aCheck(of(Date.parse('2026-11-30T23:59:59.000Z'), { durationMs: 500 })), aCheck(of(Date.parse('2026-11-30T23:59:59.900Z'), { durationMs: 500 })))
      .thenRows(async (t) => {
        const parts = await t.rows('SELECT tableoid::regclass::text AS partition FROM integration_health_history WHERE integration_id = $1 ORDER BY 1', [integrationId]);
        expect(parts.map((p) => p.partition)).to.deep.equal(['integration_health_history_p2026_11', 'integration_health_history_p2026_12']);
        const months = await rollups(t, 'health_rollups_provider', 'month');
        expect(months.map((m) => [m.bucket_start, m.checks])).to.deep.equal([[new Date('2026-11-01T00:00:00Z'), 1], [new Date('2026-12-01T00:00:00Z'), 1]]);
      }));

  it('U+0000 in an error message or a step from another producer is stored as U+FFFD', () => {
    const check = aFailedCheck('timeout', {
      ...of(t0), error: { code: 'time\u0000out', message: 'no\u0000answer', retryAfterSeconds: null },
      steps: [{ name: 'request', durationMs: 120, outcome: 'failed', detail: 'cut\u0000off' }],
    });
    return spec.given(check).thenRows(async (t) => {
      const [row] = await t.rows('SELECT error_code, error_message, steps FROM integration_health_history WHERE event_id = $1', [check.eventId]);
      expect(row).to.deep.equal({ error_code: 'time\ufffdout', error_message: 'no\ufffdanswer', steps: [{ name: 'request', durationMs: 120, outcome: 'failed', detail: 'cut\ufffdoff' }] });
      const [bucket] = await rollups(t, 'health_rollups_integration', 'hour');
      expect(bucket?.errors_by_code).to.deep.equal({ 'time\ufffdout': 1 });
    });
  });
});
