// Merging pushed health into React Query's cache, so every screen reading
// ['integrations'] or ['integration', id] re-renders with the pushed state and no refetch.
import type { QueryClient } from '@tanstack/react-query';
import type { HealthDetail, HealthView } from '../api/types';

export const integrationsKey = ['integrations'] as const;
export const integrationKey = (id: string) => ['integration', id] as const;

const byName = (a: HealthView, b: HealthView) => a.displayName.localeCompare(b.displayName) || a.integrationId.localeCompare(b.integrationId);

/** A frame older than what we hold (resume is at-least-once) must not roll the state back. */
const isOlder = (next: HealthView, held: HealthView | undefined) =>
  !!held?.lastCheckedAt && !!next.lastCheckedAt && Date.parse(next.lastCheckedAt) < Date.parse(held.lastCheckedAt);

/** Applies pushed views; returns the previous state of each one that changed (for toasts). */
export function mergeHealth(qc: QueryClient, views: HealthView[], replaceAll = false): { prev: HealthView | undefined; next: HealthView }[] {
  const list = qc.getQueryData<HealthView[]>(integrationsKey);
  const held = new Map((list ?? []).map((v) => [v.integrationId, v]));
  const changes: { prev: HealthView | undefined; next: HealthView }[] = [];
  const merged = new Map(replaceAll ? [] : held);
  for (const view of views) {
    const prev = held.get(view.integrationId);
    if (isOlder(view, prev)) {
      merged.set(view.integrationId, prev!);
      continue;
    }
    merged.set(view.integrationId, view);
    changes.push({ prev, next: view });
    qc.setQueryData<HealthDetail>(integrationKey(view.integrationId), (old) =>
      old ? { ...old, ...view, reconnectUrl: view.reauthRequired ? old.reconnectUrl : null } : old);
  }
  qc.setQueryData<HealthView[]>(integrationsKey, [...merged.values()].sort(byName));
  return changes;
}

export function removeIntegrations(qc: QueryClient, ids: string[]): void {
  const gone = new Set(ids);
  qc.setQueryData<HealthView[]>(integrationsKey, (old) => old?.filter((v) => !gone.has(v.integrationId)));
  for (const id of ids) qc.removeQueries({ queryKey: integrationKey(id) });
}
