// The connection state, readable anywhere (indicator, offline banner) without prop drilling.
import { useSyncExternalStore } from 'react';
import type { LiveState } from './liveSocket';

interface Snapshot {
  state: LiveState;
  /** When we last had a live connection (epoch ms), for "last known state as of …". */
  lastLiveAt: number | null;
  retry: () => void;
}

let snapshot: Snapshot = { state: 'connecting', lastLiveAt: null, retry: () => undefined };
const listeners = new Set<() => void>();

export function setLiveState(state: LiveState, retry?: () => void): void {
  const lastLiveAt = snapshot.state === 'live' && state !== 'live' ? Date.now() : state === 'live' ? null : snapshot.lastLiveAt;
  snapshot = { state, lastLiveAt, retry: retry ?? snapshot.retry };
  listeners.forEach((l) => l());
}

export const useLiveState = () =>
  useSyncExternalStore((l) => (listeners.add(l), () => listeners.delete(l)), () => snapshot);
