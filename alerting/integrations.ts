// What the evaluator knows about each integration: owner, provider, interval, reauth, and its
// health by the very status rules the projection uses (evolveHealth), so an alert never
// disagrees with the colour the user sees.
import type { HealthChecked, LifecycleEvent } from '../health/events.js';
import { evolveHealth, type IntegrationHealth, type StatusRules } from '../health/statusRules.js';
import { drop, put, type EvaluatorState, type IntegrationEntry } from './state.js';
import { latestOf, moveLatest } from './windows.js';

/** How long a disconnected integration stays known as gone, so checks still in flight are not mistaken for a new one. */
export const DEPARTED_KEEP_MS = 86_400_000;

const NAME_MAX = 100;

export function saveIntegration(state: EvaluatorState, next: IntegrationEntry): void {
  const before = latestOf(state.integrations[next.integrationId]);
  put(state, 'integrations', next.integrationId, next);
  moveLatest(state, before, latestOf(next));
}

export function forgetIntegration(state: EvaluatorState, integrationId: string, at: number): void {
  const before = latestOf(state.integrations[integrationId]);
  drop(state, 'integrations', integrationId);
  moveLatest(state, before, null);
  put(state, 'departed', integrationId, at);
}

// evolveHealth wants a whole IntegrationHealth; the entry keeps only the fields that decide
// the next status, and the display-only ones are neutral here.
function asHealth(entry: IntegrationEntry): IntegrationHealth | undefined {
  const h = entry.health;
  if (!h) return undefined;
  return {
    integrationId: entry.integrationId,
    provider: entry.provider,
    status: h.status,
    lastCheckedAt: h.lastCheckedAt,
    lastSuccessAt: h.lastSuccessAt,
    lastFailureAt: h.lastFailureAt,
    consecutiveFailures: h.consecutiveFailures,
    latencyMs: 0,
    httpStatus: null,
    error: h.errorCode === null ? null : { code: h.errorCode, detail: '', message: '', steps: [], docsPath: '' },
    nextCheckAt: null,
    checkCount: 0,
    lastEventId: h.lastEventId,
  };
}

/** The entry after one more check (learning the integration if need be); null when it is the same check delivered again. */
export function withCheck(entry: IntegrationEntry | undefined, check: HealthChecked, rules: StatusRules): IntegrationEntry | null {
  const base: IntegrationEntry = entry ?? {
    integrationId: check.integrationId,
    userId: check.userId,
    provider: check.provider,
    displayName: null,
    checkIntervalSeconds: null,
    connectedAt: null,
    health: null,
    reauth: null,
  };
  const current = asHealth(base);
  const next = evolveHealth(current, check, rules);
  if (next === current) return null;
  // Only a success after the reauth request proves the user reconnected.
  const reauthCleared = check.outcome === 'succeeded' && base.reauth !== null && check.completedAt >= base.reauth.since;
  return {
    ...base,
    health: {
      status: next.status,
      lastCheckedAt: next.lastCheckedAt,
      lastSuccessAt: next.lastSuccessAt,
      lastFailureAt: next.lastFailureAt,
      consecutiveFailures: next.consecutiveFailures,
      errorCode: next.error?.code ?? null,
      lastEventId: next.lastEventId,
    },
    reauth: reauthCleared ? null : base.reauth,
  };
}

/** The entry after a lifecycle event other than a disconnect; undefined = nothing to record. */
export function withLifecycle(entry: IntegrationEntry | undefined, event: LifecycleEvent): IntegrationEntry | undefined {
  switch (event.type) {
    case 'IntegrationConnected': {
      // A check may have taught us the integration first; its health stays if the provider agrees.
      const health = entry?.provider === event.provider ? entry.health : null;
      return {
        integrationId: event.integrationId,
        userId: event.userId,
        provider: event.provider,
        displayName: event.displayName.slice(0, NAME_MAX),
        checkIntervalSeconds: event.checkIntervalSeconds,
        connectedAt: event.occurredAt,
        health,
        reauth: entry && health ? entry.reauth : null,
      };
    }
    case 'IntegrationUpdated':
      if (!entry) return undefined;
      return {
        ...entry,
        displayName: event.displayName === null ? entry.displayName : event.displayName.slice(0, NAME_MAX),
        checkIntervalSeconds: event.checkIntervalSeconds ?? entry.checkIntervalSeconds,
      };
    case 'ReauthRequired':
      return entry && { ...entry, reauth: { reason: event.reason, since: event.occurredAt } };
    case 'ReauthCompleted':
      return entry && { ...entry, reauth: null };
    case 'IntegrationDisconnected':
    case 'CredentialsRefreshed':
      return undefined;
  }
}
