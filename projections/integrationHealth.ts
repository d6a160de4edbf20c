// `integration_health_checks`: the current health of each integration, from HealthChecked.
import type { Tx } from '../platform/db.js';
import type { HealthChecked, PulseEvent } from '../health/events.js';
import { evolveHealth, type IntegrationHealth, type StatusRules } from '../health/statusRules.js';
import type { Projection } from './projection.js';
import { storable } from './storable.js';

const ms = (col: string) => `(extract(epoch from ${col}) * 1000)::bigint AS ${col}`;

function fromRow(r: Record<string, any>): IntegrationHealth {
  return {
    integrationId: r.integration_id, provider: r.provider, status: r.status,
    lastCheckedAt: r.last_checked_at, lastSuccessAt: r.last_success_at, lastFailureAt: r.last_failure_at,
    consecutiveFailures: r.consecutive_failures, latencyMs: r.latency_ms, httpStatus: r.http_status,
    error: r.error_code === null ? null : {
      code: r.error_code, detail: r.error_detail, message: r.error_message, steps: r.error_resolution.split('\n'), docsPath: r.error_docs_url,
    },
    nextCheckAt: r.next_check_at, checkCount: r.check_count, lastEventId: r.last_event_id,
  };
}

export function integrationHealthProjection(rules: StatusRules): Projection<HealthChecked> {
  return {
    name: 'integration_health',
    tables: ['integration_health_checks'],
    topic: (t) => t.checks,
    handles: (e: PulseEvent): e is HealthChecked => e.type === 'HealthChecked',

    async apply(tx: Tx, events: HealthChecked[]) {
      events = storable(events); // what the event says, storable: U+0000 → U+FFFD
      const ids = [...new Set(events.map((e) => e.integrationId))];
      const { rows } = await tx.query(
        `SELECT integration_id, provider, status, consecutive_failures, latency_ms, http_status, error_code, error_detail,
                error_message, error_resolution, error_docs_url, check_count, last_event_id,
                ${ms('last_checked_at')}, ${ms('last_success_at')}, ${ms('last_failure_at')}, ${ms('next_check_at')}
           FROM integration_health_checks WHERE integration_id = ANY($1) FOR UPDATE`,
        [ids],
      );
      const current = new Map(rows.map((r) => [r.integration_id as string, fromRow(r)]));
      for (const e of events) current.set(e.integrationId, evolveHealth(current.get(e.integrationId), e, rules));

      const next = ids.map((id) => current.get(id) as IntegrationHealth);
      const col = <T>(f: (h: IntegrationHealth) => T) => next.map(f);
      await tx.query(
        `INSERT INTO integration_health_checks AS h (integration_id, provider, status, last_checked_at, last_success_at,
             last_failure_at, consecutive_failures, latency_ms, http_status, error_code, error_detail, error_message,
             error_resolution, error_docs_url, next_check_at, check_count, last_event_id)
         SELECT id, prov, st, to_timestamp(lc / 1000.0), to_timestamp(ls / 1000.0), to_timestamp(lf / 1000.0), cf, lat, hs,
                ec, ed, em, er, eu, to_timestamp(nc / 1000.0), cc, ev
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::int[], $8::int[],
                       $9::int[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[], $16::bigint[], $17::text[])
                AS t(id, prov, st, lc, ls, lf, cf, lat, hs, ec, ed, em, er, eu, nc, cc, ev)
         ON CONFLICT (integration_id) DO UPDATE SET
           provider = excluded.provider, status = excluded.status, last_checked_at = excluded.last_checked_at,
           last_success_at = excluded.last_success_at, last_failure_at = excluded.last_failure_at,
           consecutive_failures = excluded.consecutive_failures, latency_ms = excluded.latency_ms,
           http_status = excluded.http_status, error_code = excluded.error_code, error_detail = excluded.error_detail,
           error_message = excluded.error_message, error_resolution = excluded.error_resolution,
           error_docs_url = excluded.error_docs_url, next_check_at = excluded.next_check_at,
           check_count = excluded.check_count, last_event_id = excluded.last_event_id`,
        [
          col((h) => h.integrationId), col((h) => h.provider), col((h) => h.status), col((h) => h.lastCheckedAt),
          col((h) => h.lastSuccessAt), col((h) => h.lastFailureAt), col((h) => h.consecutiveFailures), col((h) => h.latencyMs),
          col((h) => h.httpStatus), col((h) => h.error?.code ?? null), col((h) => h.error?.detail ?? null),
          col((h) => h.error?.message ?? null), col((h) => h.error?.steps.join('\n') ?? null), col((h) => h.error?.docsPath ?? null),
          col((h) => h.nextCheckAt), col((h) => h.checkCount), col((h) => h.lastEventId),
        ],
      );
      return ids;
    },
  };
}
