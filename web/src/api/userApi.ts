// The user's REST calls (bearer token). Everything the dashboard reads or does goes through here.
import { currentToken, tokenRejected } from '../auth/userToken';
import { ApiError, request } from './http';
import type { AlertPage, ProviderIncident } from './alertTypes';
import type { HealthDetail, HealthView, HistoryPage, IntegrationPage } from './types';

async function authed<T>(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<T> {
  const token = currentToken();
  try {
    return await request<T>(method, path, { headers: token ? { authorization: `Bearer ${token.jwt}` } : {}, signal, body });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) tokenRejected();
    throw err;
  }
}

/** Every integration of the user (the API pages by 200). */
export async function fetchIntegrations(signal?: AbortSignal): Promise<HealthView[]> {
  const all: HealthView[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await authed<IntegrationPage>('GET', `/api/integrations?limit=200&offset=${offset}&sort=name`, signal);
    all.push(...page.items);
    if (all.length >= page.total || page.items.length === 0) return all;
  }
}

export const fetchHealth = (id: string, signal?: AbortSignal) =>
  authed<HealthDetail>('GET', `/api/integrations/${encodeURIComponent(id)}/health`, signal);

export function fetchHistory(id: string, q: { from: Date; to?: Date; before?: string | null; granularity?: 'raw' | 'hourly'; limit?: number }, signal?: AbortSignal) {
  const params = new URLSearchParams({ from: q.from.toISOString(), limit: String(q.limit ?? 200) });
  if (q.to) params.set('to', q.to.toISOString());
  if (q.before) params.set('before', q.before);
  if (q.granularity) params.set('granularity', q.granularity);
  return authed<HistoryPage>('GET', `/api/integrations/${encodeURIComponent(id)}/health/history?${params}`, signal);
}

export const requestCheck = (id: string) =>
  authed<{ requestId: string }>('POST', `/api/integrations/${encodeURIComponent(id)}/health/check`);

/** Provider-wide incidents behind some of my failures (nothing for me to fix). */
export const fetchIncidents = (signal?: AbortSignal) =>
  authed<{ incidents: ProviderIncident[] }>('GET', '/api/integrations/incidents', signal);

/** Alerts about one of my integrations, newest first (the API returns the latest 50). */
export const fetchIntegrationAlerts = (id: string, signal?: AbortSignal) =>
  authed<AlertPage>('GET', `/api/integrations/${encodeURIComponent(id)}/alerts`, signal);

export const acknowledgeIntegrationAlert = (id: string, alertId: string, note?: string) =>
  authed<{ alertId: string }>('POST', `/api/integrations/${encodeURIComponent(id)}/alerts/${encodeURIComponent(alertId)}/ack`, undefined, note ? { note } : {});
