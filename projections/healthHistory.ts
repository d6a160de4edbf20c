// `integration_health_history` (one row per check, facts only) and the hourly/monthly
// rollups per integration and per provider, from HealthChecked, in one transaction per batch.
// A check delivered twice (same eventId) is inserted once and counted once: the rollups add
// only the rows the history insert actually wrote.
import type { Tx } from '../platform/db.js';
import type { HealthChecked, PulseEvent } from '../health/events.js';
import { rollupDeltas, type RollupDelta } from '../health/checkRollup.js';
import type { StatusRules } from '../health/statusRules.js';
import { ensureMonthPartitions } from './historyPartitions.js';
import type { Projection } from './projection.js';
import { storable } from './storable.js';

async function insertHistory(tx: Tx, checks: HealthChecked[]): Promise<Set<string>> {
  const col = <T>(f: (c: HealthChecked) => T) => checks.map(f);
  const { rows } = await tx.query(
    `INSERT INTO integration_health_history (event_id, integration_id, user_id, provider, trigger, attempt, started_at,
         completed_at, duration_ms, outcome, http_status, error_code, error_message, retry_after_seconds, quota_used,
         quota_limit, steps, next_check_at, token_expires_at, token_refreshable, request_id)
     SELECT id, iid, uid, prov, trg, att, to_timestamp(sa / 1000.0), to_timestamp(ca / 1000.0), dur, outc, hs, ec, em, ra,
            qu, ql, st::jsonb, to_timestamp(nc / 1000.0), to_timestamp(te / 1000.0), tr, rq
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[], $8::bigint[],
                   $9::int[], $10::text[], $11::int[], $12::text[], $13::text[], $14::int[], $15::bigint[], $16::bigint[],
                   $17::text[], $18::bigint[], $19::bigint[], $20::boolean[], $21::text[])
            AS t(id, iid, uid, prov, trg, att, sa, ca, dur, outc, hs, ec, em, ra, qu, ql, st, nc, te, tr, rq)
     ON CONFLICT DO NOTHING
     RETURNING event_id`,
    [
      col((c) => c.eventId), col((c) => c.integrationId), col((c) => c.userId), col((c) => c.provider), col((c) => c.trigger),
      col((c) => c.attempt), col((c) => c.startedAt), col((c) => c.completedAt), col((c) => c.durationMs), col((c) => c.outcome),
      col((c) => c.httpStatus), col((c) => c.error?.code ?? null), col((c) => c.error?.message ?? null),
      col((c) => c.error?.retryAfterSeconds ?? null), col((c) => c.quota?.used ?? null), col((c) => c.quota?.limit ?? null),
      col((c) => JSON.stringify(c.steps)), col((c) => c.nextCheckAt), col((c) => c.tokenExpiresAt), col((c) => c.tokenRefreshable),
      col((c) => c.requestId),
    ],
  );
  return new Set(rows.map((r) => r.event_id as string));
}

const measures = ['checks', 'ok', 'degraded', 'failed', 'latency_sum_ms'];

async function addRollups(tx: Tx, table: 'health_rollups_integration' | 'health_rollups_provider', deltas: RollupDelta[]): Promise<void> {
  if (!deltas.length) return;
  const perIntegration = table === 'health_rollups_integration';
  const keys = perIntegration ? ['integration_id', 'granularity', 'bucket_start', 'provider'] : ['provider', 'granularity', 'bucket_start'];
  const conflict = perIntegration ? '(integration_id, granularity, bucket_start)' : '(provider, granularity, bucket_start)';
  const col = <T>(f: (d: RollupDelta) => T) => deltas.map(f);
  const params = [
    col((d) => d.scope), col((d) => d.granularity), col((d) => d.bucketStart), ...(perIntegration ? [col((d) => d.provider)] : []),
    col((d) => d.checks), col((d) => d.ok), col((d) => d.degraded), col((d) => d.failed), col((d) => d.latencySumMs),
    col((d) => d.latencyMaxMs), col((d) => JSON.stringify(d.latencySketch)), col((d) => JSON.stringify(d.errorsByCode)),
  ];
  const types = [...keys.map((k) => (k === 'bucket_start' ? 'bigint' : 'text')), 'bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'int', 'text', 'text'];
  const names = [...keys, ...measures, 'latency_max_ms', 'latency_sketch', 'errors_by_code'];
  const select = names.map((n) => (n === 'bucket_start' ? 'to_timestamp(bucket_start / 1000.0)' : n.startsWith('latency_sketch') || n === 'errors_by_code' ? `${n}::jsonb` : n));
  await tx.query(
    `INSERT INTO ${table} AS r (${names.join(', ')})
     SELECT ${select.join(', ')}
       FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS t(${names.join(', ')})
     ON CONFLICT ${conflict} DO UPDATE SET
       ${measures.map((m) => `${m} = r.${m} + excluded.${m}`).join(', ')},
       latency_max_ms = greatest(r.latency_max_ms, excluded.latency_max_ms),
       latency_sketch = pulse_add_counts(r.latency_sketch, excluded.latency_sketch),
       errors_by_code = pulse_add_counts(r.errors_by_code, excluded.errors_by_code)`,
    params,
  );
}

export function healthHistoryProjection(rules: StatusRules): Projection<HealthChecked> {
  return {
    name: 'health_history',
    tables: ['integration_health_history', 'health_rollups_integration', 'health_rollups_provider'],
    topic: (t) => t.checks,
    handles: (e: PulseEvent): e is HealthChecked => e.type === 'HealthChecked',

    async apply(tx, events) {
      events = storable(events); // what the event says, storable: U+0000 → U+FFFD
      const unique = [...new Map(events.map((e) => [e.eventId, e])).values()];
      await ensureMonthPartitions(tx, unique.map((e) => e.completedAt));
      const inserted = await insertHistory(tx, unique);
      const fresh = unique.filter((e) => inserted.has(e.eventId));
      const deltas = rollupDeltas(fresh, rules);
      await addRollups(tx, 'health_rollups_integration', deltas.integration);
      await addRollups(tx, 'health_rollups_provider', deltas.provider);
      return [...new Set(fresh.map((e) => e.integrationId))];
    },
  };
}
