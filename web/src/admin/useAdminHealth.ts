// System-wide (or one provider's) figures, trends and the integration list, refreshed every
// 30 s. The admin side has no WebSocket yet (api/realtime/README.md, "Admins (later)").
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AdminHealth, HealthStatus, TimeRange } from '../api/types';
import { adminGet, query } from './adminApi';

export interface ListFilters {
  status?: HealthStatus;
  provider?: string;
  user?: string;
  limit: number;
  offset: number;
}

export function healthPath(scope: string | undefined, params: Record<string, string | number | undefined>) {
  const base = scope ? `/api/admin/providers/${encodeURIComponent(scope)}/health` : '/api/admin/integrations/health';
  return base + query(params);
}

export function useAdminHealth(scope: string | undefined, range: TimeRange, f: ListFilters) {
  return useQuery({
    queryKey: ['admin', 'health', scope ?? 'all', range, f],
    queryFn: ({ signal }) => adminGet<AdminHealth>(healthPath(scope, { range, status: f.status, provider: scope ? undefined : f.provider, user: f.user, limit: f.limit, offset: f.offset }), signal),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}
