// What the evaluator knows about each integration: owner, provider, interval, reauth by the
// one lifecycle fold (health/integrationLifecycle.ts), and its standing by the very status
// rules the projection uses (nextStanding), so an alert never disagrees with what the user sees.
import type { HealthChecked, LifecycleEvent } from '../health/events.js';
import { nextStanding, type StatusRules } from '../health/statusRules.js';
import { evolveIntegration, type Integration } from '../health/integrationLifecycle.js';
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
  const current = base.health ?? undefined;
  const health = nextStanding(current, check, rules);
  if (health === current) return null;
  // Only a success after the reauth request proves the user reconnected.
  const reauthCleared = check.outcome === 'succeeded' && base.reauth !== null && check.completedAt >= base.reauth.since;
  return { ...base, health, reauth: reauthCleared ? null : base.reauth };
}

/** What the evaluator keeps of the lifecycle fold. */
const kept = ['integrationId', 'userId', 'provider', 'displayName', 'checkIntervalSeconds', 'connectedAt', 'reauthReason', 'reauthSince'] as const;
type Kept = Pick<Integration, (typeof kept)[number]>;

/** The entry's lifecycle part; undefined for one only learned from a check (no connect seen yet). */
function lifecycleOf(entry: IntegrationEntry | undefined): Kept | undefined {
  if (!entry || entry.connectedAt === null || entry.displayName === null || entry.checkIntervalSeconds === null) return undefined;
  const { integrationId, userId, provider, displayName, checkIntervalSeconds, connectedAt, reauth } = entry;
  return { integrationId, userId, provider, displayName, checkIntervalSeconds, connectedAt, reauthReason: reauth?.reason ?? null, reauthSince: reauth?.since ?? null };
}

/** The entry after a lifecycle event other than a disconnect; undefined = nothing to record. */
export function withLifecycle(entry: IntegrationEntry | undefined, event: LifecycleEvent): IntegrationEntry | undefined {
  if (event.type === 'IntegrationDisconnected' || event.type === 'CredentialsRefreshed') return undefined;
  const next = evolveIntegration(lifecycleOf(entry), event, kept);
  if (!next) return undefined;
  // A check may have taught us the integration first; its health stays if the provider agrees.
  const health = entry?.provider === next.provider ? entry.health : null;
  return {
    integrationId: next.integrationId,
    userId: next.userId,
    provider: next.provider,
    displayName: next.displayName.slice(0, NAME_MAX),
    checkIntervalSeconds: next.checkIntervalSeconds,
    connectedAt: next.connectedAt,
    health,
    reauth: next.reauthReason === null || next.reauthSince === null ? null : { reason: next.reauthReason, since: next.reauthSince },
  };
}
