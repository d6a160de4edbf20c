// Queries the API makes. Reads projections only; never Kafka, never the check workers.
import type { Db } from '../platform/db.js';
import type { HealthChecked } from '../health/events.js';

export interface HealthView {
  integrationId: string;
  provider: string;
  displayName: string;
  status: 'green' | 'yellow' | 'red' | 'unknown';
  lastCheckedAt: string | null;
  lastSuccessAt: string | null;
  consecutiveFailures: number;
  latencyMs: number | null;
  error: UserError | null;
  nextCheckAt: string | null;
  checkCount: number;
  /** Why the user must reconnect, or null; the route adds the one-click `reconnectUrl`. */
  reauthReason: string | null;
}

export interface UserError {
  code: string;
  message: string;
  /** The steps as one sentence-per-step paragraph. */
  resolution: string;
  steps: string[];
  docsUrl: string;
}

/** The user-facing parts of a stored error (the technical detail is for admins only). */
export function userError(code: string, message: string, steps: string, docsPath: string, docsBaseUrl: string): UserError {
  const list = steps.split('\n').filter(Boolean);
  return { code, message, resolution: list.join(' '), steps: list, docsUrl: `${docsBaseUrl}/${docsPath}` };
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The health view of an `integrations ⟕ integration_health_checks` row (every query here selects `i.*`-style columns and `h.*`). */
export function healthViewFromRow(r: Record<string, any>, docsBaseUrl: string): HealthView {
  return {
    integrationId: r.integration_id,
    provider: r.provider,
    displayName: r.display_name,
    status: r.status ?? 'unknown',
    lastCheckedAt: iso(r.last_checked_at),
    lastSuccessAt: iso(r.last_success_at),
    consecutiveFailures: r.consecutive_failures ?? 0,
    latencyMs: r.latency_ms,
    error: r.error_code ? userError(r.error_code, r.error_message, r.error_resolution, r.error_docs_url, docsBaseUrl) : null,
    nextCheckAt: iso(r.next_check_at),
    checkCount: Number(r.check_count ?? 0),
    reauthReason: r.reauth_reason,
  };
}

/** Current health of one of the user's integrations, or null if it is not theirs (or not there). */
export async function integrationHealth(db: Db, userId: string, integrationId: string, docsBaseUrl: string): Promise<HealthView | null> {
  const { rows } = await db.query(
    `SELECT i.integration_id, i.provider, i.display_name, i.reauth_reason, h.status, h.last_checked_at, h.last_success_at,
            h.consecutive_failures, h.latency_ms, h.error_code, h.error_message, h.error_resolution, h.error_docs_url,
            h.next_check_at, h.check_count
       FROM integrations i
       LEFT JOIN integration_health_checks h USING (integration_id)
      WHERE i.integration_id = $1 AND i.user_id = $2 AND i.state = 'active'`,
    [integrationId, userId],
  );
  return rows[0] ? healthViewFromRow(rows[0], docsBaseUrl) : null;
}

/** An integration and its checks completed up to `asOf` (as far back as history is kept), for time travel. */
export async function checksUntil(db: Db, integrationId: string, asOf: number): Promise<{ integration: Record<string, any> | undefined; checks: HealthChecked[] }> {
  const { rows: found } = await db.query('SELECT provider, display_name, user_id FROM integrations WHERE integration_id = $1', [integrationId]);
  if (!found[0]) return { integration: undefined, checks: [] };
  const { rows } = await db.query(
    `SELECT * FROM integration_health_history WHERE integration_id = $1 AND completed_at <= to_timestamp($2 / 1000.0) ORDER BY completed_at`,
    [integrationId, asOf],
  );
  const checks = rows.map(checkFromHistoryRow);
  return { integration: found[0], checks };
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

/** A row of integration_health_history as the HealthChecked it recorded. */
export function checkFromHistoryRow(r: Record<string, any>): HealthChecked {
  return {
    type: 'HealthChecked', eventId: r.event_id, integrationId: r.integration_id, userId: r.user_id, provider: r.provider,
    trigger: r.trigger, attempt: r.attempt, startedAt: r.started_at.getTime(), completedAt: r.completed_at.getTime(),
    durationMs: r.duration_ms, outcome: r.outcome, steps: r.steps, httpStatus: r.http_status,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '', retryAfterSeconds: r.retry_after_seconds } : null,
    quota: r.quota_limit === null ? null : { used: Number(r.quota_used), limit: Number(r.quota_limit) },
    nextCheckAt: ms(r.next_check_at),
    tokenExpiresAt: ms(r.token_expires_at),
    tokenRefreshable: r.token_refreshable,
    requestId: r.request_id,
  };
}

/** Current health plus what real-time push needs: the owner (for routing) and a resumable version. */
export interface LiveHealth extends HealthView {
  userId: string;
  /**
   * Epoch ms of `greatest(last_checked_at, updated_at)`: monotonic per integration (the
   * projections never move either backwards), shared by every API instance, kept across restarts.
   */
  version: number;
}

const liveHealthSelect = `
  SELECT i.integration_id, i.user_id, i.provider, i.display_name, i.reauth_reason, h.status, h.last_checked_at, h.last_success_at,
         h.consecutive_failures, h.latency_ms, h.error_code, h.error_message, h.error_resolution, h.error_docs_url,
         h.next_check_at, h.check_count,
         (extract(epoch from greatest(h.last_checked_at, i.updated_at)) * 1000)::bigint AS version
    FROM integrations i
    LEFT JOIN integration_health_checks h USING (integration_id)`;

function liveHealth(r: Record<string, any>, docsBaseUrl: string): LiveHealth {
  return { ...healthViewFromRow(r, docsBaseUrl), userId: r.user_id, version: Number(r.version) };
}

/** Current health of the given (active) integrations, whoever owns them, in one query. Unknown or disconnected ids are left out. */
export async function integrationHealthMany(db: Db, ids: string[], docsBaseUrl: string): Promise<LiveHealth[]> {
  if (!ids.length) return [];
  const { rows } = await db.query(`${liveHealthSelect} WHERE i.integration_id = ANY($1) AND i.state = 'active'`, [ids]);
  return rows.map((r) => liveHealth(r, docsBaseUrl));
}

/** Current health of every active integration of the given users, in one query. */
export async function integrationHealthOfUsers(db: Db, userIds: string[], docsBaseUrl: string): Promise<LiveHealth[]> {
  if (!userIds.length) return [];
  const { rows } = await db.query(`${liveHealthSelect} WHERE i.user_id = ANY($1) AND i.state = 'active' ORDER BY i.integration_id`, [userIds]);
  return rows.map((r) => liveHealth(r, docsBaseUrl));
}
