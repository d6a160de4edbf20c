// What an integration is, folded from its lifecycle events: the one place that says what
// Connected, Updated, Disconnected and Reauth… do. The integrations projection keeps all of
// it, the check worker what it schedules by, the alert evaluator what its rules quote; each
// folds through here and keeps the fields it names, so they never disagree.
import type { LifecycleEvent } from './events.js';

export interface Integration {
  integrationId: string;
  userId: string;
  provider: string;
  displayName: string;
  config: Record<string, unknown>;
  checkIntervalSeconds: number;
  state: 'active' | 'disconnected';
  connectedAt: number;
  updatedAt: number;
  disconnectedAt: number | null;
  /** Why the user must reconnect (token_revoked, scope_missing…); null when nothing is asked of them. */
  reauthReason: string | null;
  /** When that was asked (only a check after it can show the user reconnected); null with the reason. */
  reauthSince: number | null;
}

/**
 * Pure: the integration after one lifecycle event; undefined while there is none yet (e.g. an
 * update before its connect). Every rule reads only the event and the fields it writes, so a
 * caller that keeps some fields passes just those (`keep`) and gets just those back.
 */
export function evolveIntegration(current: Integration | undefined, e: LifecycleEvent): Integration | undefined;
export function evolveIntegration<K extends keyof Integration>(current: Pick<Integration, K> | undefined, e: LifecycleEvent, keep: readonly K[]): Pick<Integration, K> | undefined;
export function evolveIntegration(current: Partial<Integration> | undefined, e: LifecycleEvent, keep?: readonly (keyof Integration)[]): Partial<Integration> | undefined {
  const next = fold(current, e);
  if (!next || !keep) return next;
  return Object.fromEntries(keep.map((k) => [k, next[k]]));
}

function fold(current: Partial<Integration> | undefined, e: LifecycleEvent): Partial<Integration> | undefined {
  switch (e.type) {
    case 'IntegrationConnected':
      // A connect (again) starts afresh: whatever was asked of the user before no longer stands.
      return {
        integrationId: e.integrationId, userId: e.userId, provider: e.provider, displayName: e.displayName,
        config: e.config, checkIntervalSeconds: e.checkIntervalSeconds, state: 'active',
        connectedAt: e.occurredAt, updatedAt: e.occurredAt, disconnectedAt: null, reauthReason: null, reauthSince: null,
      };
    case 'IntegrationUpdated':
      // A null field is one the user did not change.
      return current && {
        ...current,
        displayName: e.displayName ?? current.displayName,
        checkIntervalSeconds: e.checkIntervalSeconds ?? current.checkIntervalSeconds,
        config: e.config ?? current.config,
        updatedAt: e.occurredAt,
      };
    case 'IntegrationDisconnected':
      return current && { ...current, state: 'disconnected', updatedAt: e.occurredAt, disconnectedAt: e.occurredAt };
    case 'ReauthRequired':
      return current && { ...current, reauthReason: e.reason, reauthSince: e.occurredAt, updatedAt: e.occurredAt };
    case 'ReauthCompleted':
      return current && { ...current, reauthReason: null, reauthSince: null, updatedAt: e.occurredAt };
    case 'CredentialsRefreshed':
      return current;
  }
}
