// The portal live over /api/admin/ws (scope `all`): pushed states patch the integration rows
// already on screen at once, and the figures (totals, rates, trends) are re-read at most every
// 10 s while changes keep coming. A session ended on the server closes the socket (4401),
// which signs the portal out.
import { useEffect } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { AdminHealth, HealthView } from '../api/types';
import { LiveSocket } from '../live/liveSocket';
import { setLiveState } from '../live/liveState';
import { adminSessionEndedByServer } from './adminApi';

const healthKey = ['admin', 'health'] as const;

function patchRows(qc: QueryClient, views: HealthView[]) {
  const byId = new Map(views.map((v) => [v.integrationId, v]));
  qc.setQueriesData<AdminHealth>({ queryKey: healthKey }, (old) => {
    if (!old || !old.integrations.items.some((r) => byId.has(r.integrationId))) return old;
    const items = old.integrations.items.map((r) => {
      const v = byId.get(r.integrationId);
      return v ? {
        ...r, status: v.status, displayName: v.displayName, lastCheckedAt: v.lastCheckedAt, lastSuccessAt: v.lastSuccessAt,
        consecutiveFailures: v.consecutiveFailures, latencyMs: v.latencyMs, errorCode: v.error?.code ?? null,
      } : r;
    });
    return { ...old, integrations: { ...old.integrations, items } };
  });
}

export function useAdminLive(enabled: boolean) {
  const qc = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;
    let lastRefresh = Date.now();
    const refreshFigures = () => {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        lastRefresh = Date.now();
        void qc.invalidateQueries({ queryKey: healthKey });
      }, Math.max(0, lastRefresh + 10_000 - Date.now()));
    };
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/admin/ws`;
    const socket = new LiveSocket({
      url,
      protocols: () => [], // the session cookie authenticates the upgrade
      subscribe: { type: 'subscribe', scope: 'all' },
      resume: (since) => ({ type: 'resume', since, scope: 'all' }),
    }, {
      snapshot: (views, full) => {
        patchRows(qc, views);
        if (!full) refreshFigures();
      },
      health: (view) => {
        patchRows(qc, [view]);
        refreshFigures();
      },
      removed: () => refreshFigures(),
      state: (s) => setLiveState(s),
      // A REST read tells whether the session is the problem (a 401 signs the portal out).
      connectFailing: () => void qc.invalidateQueries({ queryKey: healthKey }),
      sessionEnded: adminSessionEndedByServer,
    });
    setLiveState('connecting', () => socket.retryNow());
    socket.start();
    return () => {
      clearTimeout(refreshTimer);
      socket.stop();
    };
  }, [enabled, qc]);
}
