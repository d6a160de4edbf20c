// Keeps the dashboard live: one LiveSocket for the signed-in user, frames merged into the
// React Query cache, a toast when one of my integrations starts failing (or recovers), and a
// REST catch-up after every reconnect for anything a resume cannot tell (removals).
import { useEffect, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { currentToken } from '../auth/userToken';
import { statusLabel } from '../ui/HealthIndicator';
import { toast } from '../ui/toasts';
import { integrationsKey, mergeHealth, removeIntegrations } from './healthCache';
import { LiveSocket } from './liveSocket';
import { setLiveState } from './liveState';
import type { HealthView } from '../api/types';

function announce(changes: { prev: HealthView | undefined; next: HealthView }[]) {
  for (const { prev, next } of changes) {
    if (!prev || prev.status === next.status) continue;
    const href = `/integrations/${next.integrationId}`;
    if (next.status === 'red') {
      toast({ tone: 'error', title: `${next.displayName} is failing`, body: next.error?.message, href, linkLabel: 'See how to fix it' });
    } else if (prev.status === 'red' && next.status === 'green') {
      toast({ tone: 'success', title: `${next.displayName} is ${statusLabel.green.toLowerCase()} again` });
    }
  }
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  useEffect(() => {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    let everLive = false;
    const socket = new LiveSocket({
      url,
      // The token rides in the subprotocol list: browsers cannot set headers on a WebSocket,
      // and a query string would end up in access logs.
      protocols: () => {
        const jwt = currentToken()?.jwt;
        return jwt ? ['bearer', jwt] : null;
      },
      subscribe: { type: 'subscribe', all: true },
      resume: (since) => ({ type: 'resume', since, all: true }),
    }, {
      snapshot(views, full) {
        const changes = mergeHealth(qc, views, full);
        if (everLive) announce(changes);
        if (everLive) void qc.invalidateQueries({ queryKey: integrationsKey });
        everLive = true;
      },
      health: (view) => announce(mergeHealth(qc, [view])),
      removed: (ids) => removeIntegrations(qc, ids),
      state: (s) => setLiveState(s),
      // A REST read tells us whether the token is the problem (a 401 signs the user out).
      connectFailing: () => void qc.invalidateQueries({ queryKey: integrationsKey }),
    });
    setLiveState('connecting', () => socket.retryNow());
    socket.start();
    return () => socket.stop();
  }, [qc]);
  return children;
}
