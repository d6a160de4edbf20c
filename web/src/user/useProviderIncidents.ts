// Provider-wide incidents behind some of the user's failures. They open and close as the
// provider's integrations fail and recover, so they are re-read when a status on the
// dashboard changes (the live cache moves them), besides a slow poll.
import { useEffect, useMemo } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { fetchIncidents } from '../api/userApi';
import { useIntegrations } from './queries';

export const incidentsKey = ['incidents'] as const;

export function useProviderIncidents() {
  const qc = useQueryClient();
  const { data: integrations } = useIntegrations();
  const statuses = useMemo(() => integrations?.map((v) => `${v.integrationId}:${v.status}`).sort().join() ?? '', [integrations]);
  useEffect(() => {
    if (!statuses) return;
    // A status change lands a moment before the evaluator decides on an incident.
    const timer = setTimeout(() => void qc.invalidateQueries({ queryKey: incidentsKey }), 3_000);
    return () => clearTimeout(timer);
  }, [statuses, qc]);
  return useQuery({
    queryKey: incidentsKey,
    queryFn: ({ signal }) => fetchIncidents(signal),
    staleTime: 15_000,
    refetchInterval: 60_000,
  });
}
