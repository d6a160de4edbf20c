// Status rules: from the facts in HealthChecked events to the colour a user sees.
// Pure functions; see docs/status-rules.md. Changing a rule and replaying re-derives history.
import type { HealthChecked } from './events.js';
import { adviceFor, type ErrorAdvice } from './errorCatalog.js';

export type HealthStatus = 'green' | 'yellow' | 'red' | 'unknown';

export interface StatusRules {
  /** A successful check slower than this is degraded (yellow). */
  slowCheckMs: number;
  /** Consecutive failures at which a transient problem becomes red. */
  failuresBeforeRed: number;
}

/** Errors that only the user can fix: red at once, no point waiting for retries. */
export const userMustAct = new Set(['unauthorized', 'forbidden', 'invalid_config', 'token_revoked', 'token_expired', 'scope_missing', 'write_permission_missing', 'target_not_allowed']);

/** The provider is holding us back, not failing: degraded (yellow) however long it lasts. */
const heldBack = new Set(['rate_limited', 'quota_exceeded']);

const DAY_MS = 86_400_000;

export interface IntegrationHealth {
  integrationId: string;
  provider: string;
  status: HealthStatus;
  lastCheckedAt: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  consecutiveFailures: number;
  latencyMs: number;
  httpStatus: number | null;
  /** The failure, or the reason a successful check is degraded; null when all is well. */
  error: (ErrorAdvice & { code: string; detail: string }) | null;
  nextCheckAt: number | null;
  checkCount: number;
  lastEventId: string;
}

/** Why a successful check still counts as degraded, if it does. */
export function degradation(check: HealthChecked, rules: StatusRules): { code: string; detail: string } | null {
  if (check.outcome !== 'succeeded') return null;
  if (check.durationMs > rules.slowCheckMs) return { code: 'slow_response', detail: `answered in ${check.durationMs} ms (limit ${rules.slowCheckMs} ms)` };
  const q = check.quota;
  if (q && q.limit > 0 && q.used / q.limit >= 0.8) return { code: 'quota_high', detail: `${Math.round((100 * q.used) / q.limit)} % of quota used` };
  if (!check.tokenRefreshable && check.tokenExpiresAt !== null && check.tokenExpiresAt - check.completedAt < DAY_MS) {
    return { code: 'token_expiring', detail: `access token expires at ${new Date(check.tokenExpiresAt).toISOString()} and cannot be refreshed` };
  }
  return null;
}

export function statusFromCheck(check: HealthChecked, consecutiveFailures: number, rules: StatusRules): HealthStatus {
  if (check.outcome === 'succeeded') return degradation(check, rules) ? 'yellow' : 'green';
  if (check.error && userMustAct.has(check.error.code)) return 'red';
  if (check.error && heldBack.has(check.error.code)) return 'yellow';
  return consecutiveFailures >= rules.failuresBeforeRed ? 'red' : 'yellow';
}

/**
 * What decides an integration's next status, and nothing for display: the alert evaluator
 * keeps just this, the health projection builds its row on it.
 */
export interface HealthStanding {
  status: HealthStatus;
  lastCheckedAt: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  consecutiveFailures: number;
  /** The failure's code, or the reason a successful check is degraded; null when all is well. */
  errorCode: string | null;
  lastEventId: string;
}

/** The failure, or why a success is degraded; null when all is well. */
function problemOf(check: HealthChecked, rules: StatusRules): { code: string; detail: string } | null {
  return check.outcome === 'succeeded' ? degradation(check, rules) : { code: check.error?.code ?? 'internal_error', detail: check.error?.message ?? '' };
}

/** The standing after one more check; the very same object when it is the same check delivered again. */
export function nextStanding(current: HealthStanding | undefined, check: HealthChecked, rules: StatusRules): HealthStanding {
  if (current?.lastEventId === check.eventId) return current;
  // Events of one integration arrive in order, but a late retry of an old check must not
  // overwrite a newer observation: keep the newest by completion time for "current" fields.
  if (current && check.completedAt < current.lastCheckedAt) return { ...current, lastEventId: check.eventId };
  const ok = check.outcome === 'succeeded';
  const consecutiveFailures = ok ? 0 : (current?.consecutiveFailures ?? 0) + 1;
  return {
    status: statusFromCheck(check, consecutiveFailures, rules),
    lastCheckedAt: check.completedAt,
    lastSuccessAt: ok ? check.completedAt : current?.lastSuccessAt ?? null,
    lastFailureAt: ok ? current?.lastFailureAt ?? null : check.completedAt,
    consecutiveFailures,
    errorCode: problemOf(check, rules)?.code ?? null,
    lastEventId: check.eventId,
  };
}

/** The next current-health row after one more check. */
export function evolveHealth(current: IntegrationHealth | undefined, check: HealthChecked, rules: StatusRules): IntegrationHealth {
  if (current?.lastEventId === check.eventId) return current; // the same check delivered again
  const checkCount = (current?.checkCount ?? 0) + 1;
  if (current && check.completedAt < current.lastCheckedAt) return { ...current, checkCount, lastEventId: check.eventId };
  const { errorCode: _code, ...standing } = nextStanding(current && { ...current, errorCode: current.error?.code ?? null }, check, rules);
  const problem = problemOf(check, rules);
  return {
    integrationId: check.integrationId,
    provider: check.provider,
    ...standing,
    latencyMs: check.durationMs,
    httpStatus: check.httpStatus,
    // A yellow "degraded" status gets advice too, so nobody sees a colour without a reason.
    error: problem === null ? null : { ...problem, ...adviceFor(problem.code, check.provider) },
    nextCheckAt: check.nextCheckAt,
    checkCount,
  };
}

/** Status as of a past instant: the same rules folded over the checks completed by then. */
export function healthAsOf(checks: HealthChecked[], asOf: number, rules: StatusRules): IntegrationHealth | undefined {
  return checks
    .filter((c) => c.completedAt <= asOf)
    .sort((a, b) => a.completedAt - b.completedAt)
    .reduce<IntegrationHealth | undefined>((h, c) => evolveHealth(h, c, rules), undefined);
}
