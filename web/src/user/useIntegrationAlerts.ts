// One integration's alerts for its owner, re-read when its status changes (an alert opens or
// resolves with it) and now and then; acknowledging waits until the alert reads as taken.
import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { untilProjected } from '../api/eventually';
import { acknowledgeIntegrationAlert, fetchIntegrationAlerts } from '../api/userApi';
import type { HealthStatus } from '../api/types';

export const integrationAlertsKey = (id: string) => ['integration-alerts', id] as const;

export function useIntegrationAlerts(id: string, status: HealthStatus | undefined) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => void qc.invalidateQueries({ queryKey: integrationAlertsKey(id) }), 2_000);
    return () => clearTimeout(timer);
  }, [id, status, qc]);
  return useQuery({
    queryKey: integrationAlertsKey(id),
    queryFn: ({ signal }) => fetchIntegrationAlerts(id, signal),
    staleTime: 10_000,
    refetchInterval: 30_000,
  });
}

export async function acknowledgeMine(qc: ReturnType<typeof useQueryClient>, id: string, alertId: string): Promise<void> {
  await acknowledgeIntegrationAlert(id, alertId);
  const { answer } = await untilProjected(() => fetchIntegrationAlerts(id), (p) => !!p.alerts.find((a) => a.alertId === alertId)?.acknowledgedAt);
  qc.setQueryData(integrationAlertsKey(id), answer);
}
