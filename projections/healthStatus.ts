// Status rules: from the facts in HealthChecked events to the colour a user sees.
// Pure functions; see docs/status-rules.md. Changing a rule and replaying re-derives history.
import type { HealthChecked } from '../platform/events.js';
import { adviceFor, type ErrorAdvice } from './errorAdvice.js';

export type HealthStatus = 'green' | 'yellow' | 'red' | 'unknown';

export interface StatusRules {
  /** A successful check slower than this is degraded (yellow). */
  slowCheckMs: number;
  /** Consecutive failures at which a transient problem becomes red. */
  failuresBeforeRed: number;
}

/** Errors that only the user can fix: red at once, no point waiting for retries. */
const userMustAct = new Set(['unauthorized', 'forbidden', 'invalid_config']);

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
  error: (ErrorAdvice & { code: string; detail: string }) | null;
  nextCheckAt: number | null;
  checkCount: number;
  lastEventId: string;
}

export function statusFromCheck(check: HealthChecked, consecutiveFailures: number, rules: StatusRules): HealthStatus {
  if (check.outcome === 'succeeded') {
    const quotaHigh = check.quota !== null && check.quota.limit > 0 && check.quota.used / check.quota.limit >= 0.8;
    return check.durationMs > rules.slowCheckMs || quotaHigh ? 'yellow' : 'green';
  }
  if (check.error && userMustAct.has(check.error.code)) return 'red';
  return consecutiveFailures >= rules.failuresBeforeRed ? 'red' : 'yellow';
}

/** The next current-health row after one more check. */
export function evolveHealth(current: IntegrationHealth | undefined, check: HealthChecked, rules: StatusRules): IntegrationHealth {
  // Events of one integration arrive in order, but a late retry of an old check must not
  // overwrite a newer observation: keep the newest by completion time for "current" fields.
  const checkCount = (current?.checkCount ?? 0) + 1;
  if (current && check.completedAt < current.lastCheckedAt) return { ...current, checkCount, lastEventId: check.eventId };

  const ok = check.outcome === 'succeeded';
  const consecutiveFailures = ok ? 0 : (current?.consecutiveFailures ?? 0) + 1;
  const code = ok ? null : check.error?.code ?? 'internal_error';
  return {
    integrationId: check.integrationId,
    provider: check.provider,
    status: statusFromCheck(check, consecutiveFailures, rules),
    lastCheckedAt: check.completedAt,
    lastSuccessAt: ok ? check.completedAt : current?.lastSuccessAt ?? null,
    lastFailureAt: ok ? current?.lastFailureAt ?? null : check.completedAt,
    consecutiveFailures,
    latencyMs: check.durationMs,
    httpStatus: check.httpStatus,
    error: code === null ? null : { code, detail: check.error?.message ?? '', ...adviceFor(code) },
    nextCheckAt: check.nextCheckAt,
    checkCount,
    lastEventId: check.eventId,
  };
}
