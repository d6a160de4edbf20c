// Queries the API makes. Reads projections only; never Kafka, never the check workers.
import type { Db } from '../platform/db.js';

export interface HealthView {
  integrationId: string;
  provider: string;
  displayName: string;
  status: 'green' | 'yellow' | 'red' | 'unknown';
  lastCheckedAt: string | null;
  lastSuccessAt: string | null;
  consecutiveFailures: number;
  latencyMs: number | null;
  error: { code: string; message: string; resolution: string; docsUrl: string } | null;
  nextCheckAt: string | null;
  checkCount: number;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Current health of one of the user's integrations, or null if it is not theirs (or not there). */
export async function integrationHealth(db: Db, userId: string, integrationId: string): Promise<HealthView | null> {
  const { rows } = await db.query(
    `SELECT i.integration_id, i.provider, i.display_name, h.status, h.last_checked_at, h.last_success_at,
            h.consecutive_failures, h.latency_ms, h.error_code, h.error_message, h.error_resolution, h.error_docs_url,
            h.next_check_at, h.check_count
       FROM integrations i
       LEFT JOIN integration_health_checks h USING (integration_id)
      WHERE i.integration_id = $1 AND i.user_id = $2 AND i.state = 'active'`,
    [integrationId, userId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    integrationId: r.integration_id,
    provider: r.provider,
    displayName: r.display_name,
    status: r.status ?? 'unknown',
    lastCheckedAt: iso(r.last_checked_at),
    lastSuccessAt: iso(r.last_success_at),
    consecutiveFailures: r.consecutive_failures ?? 0,
    latencyMs: r.latency_ms,
    error: r.error_code ? { code: r.error_code, message: r.error_message, resolution: r.error_resolution, docsUrl: r.error_docs_url } : null,
    nextCheckAt: iso(r.next_check_at),
    checkCount: r.check_count ?? 0,
  };
}
