// The user's React Query hooks. The WebSocket keeps ['integrations'] and ['integration', id]
// current (live/healthCache.ts); REST fills them first and after reconnects.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchHealth, fetchIntegrations } from '../api/userApi';
import type { HealthView } from '../api/types';
import { integrationKey, integrationsKey } from '../live/healthCache';

/** Keeps whichever of the REST answer and a pushed frame is newer, per integration. */
function reconcile(held: HealthView[] | undefined, fetched: HealthView[]): HealthView[] {
  if (!held) return fetched;
  const pushed = new Map(held.map((v) => [v.integrationId, v]));
  return fetched.map((v) => {
    const p = pushed.get(v.integrationId);
    return p?.lastCheckedAt && v.lastCheckedAt && Date.parse(p.lastCheckedAt) > Date.parse(v.lastCheckedAt) ? p : v;
  });
}

export function useIntegrations() {
  const qc = useQueryClient();
  return useQuery({
    queryKey: integrationsKey,
    queryFn: async ({ signal }) => reconcile(qc.getQueryData(integrationsKey), await fetchIntegrations(signal)),
    staleTime: 30_000,
  });
}

export function useIntegration(id: string) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: integrationKey(id),
    queryFn: ({ signal }) => fetchHealth(id, signal),
    // The list already knows the basics: show them at once instead of a blank page.
    placeholderData: () => {
      const v = qc.getQueryData<HealthView[]>(integrationsKey)?.find((i) => i.integrationId === id);
      return v ? { ...v, reconnectUrl: null } : undefined;
    },
    staleTime: 30_000,
  });
}
