// "Check now": ask for a check, then wait for its result to arrive over the WebSocket. The
// API allows one manual check per 30 s by default and answers 429 + Retry-After; the button
// then counts down instead of letting people click into an error.
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/http';
import type { HealthView } from '../api/types';
import { requestCheck } from '../api/userApi';
import { useCountdown } from '../lib/useCountdown';

export type CheckPhase = 'idle' | 'sending' | 'checking' | 'done' | 'slow' | 'failed';

const resultWaitMs = 30_000;

// Shared across the card and the detail page: a countdown survives navigating between them.
const retryAtById = new Map<string, number>();

export function useCheckNow(view: Pick<HealthView, 'integrationId' | 'lastCheckedAt'>) {
  const id = view.integrationId;
  const [phase, setPhase] = useState<CheckPhase>('idle');
  const [message, setMessage] = useState<string | null>(null);
  const [retryAt, setRetryAt] = useState<number | null>(() => retryAtById.get(id) ?? null);
  const baseline = useRef<string | null>(null);
  const secondsLeft = useCountdown(retryAt);

  // The result is in once the integration's last check moves past the one we saw at click time.
  useEffect(() => {
    if (phase === 'checking' && view.lastCheckedAt !== baseline.current) setPhase('done');
  }, [phase, view.lastCheckedAt]);

  useEffect(() => {
    if (phase !== 'checking') return;
    const timer = setTimeout(() => setPhase('slow'), resultWaitMs);
    return () => clearTimeout(timer);
  }, [phase]);

  useEffect(() => {
    if (phase !== 'done') return;
    const timer = setTimeout(() => setPhase('idle'), 15_000);
    return () => clearTimeout(timer);
  }, [phase]);

  async function checkNow() {
    baseline.current = view.lastCheckedAt;
    setMessage(null);
    setPhase('sending');
    try {
      await requestCheck(id);
      setPhase('checking');
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const until = Date.now() + (err.retryAfter ?? 30) * 1000;
        retryAtById.set(id, until);
        setRetryAt(until);
        setMessage(`Checked very recently. You can check again in ${err.retryAfter ?? 30} seconds.`);
        setPhase('idle');
        return;
      }
      setMessage(err instanceof ApiError && !err.isNetwork ? err.message : 'The check could not be requested. Try again in a moment.');
      setPhase('failed');
    }
  }

  return { phase, message, secondsLeft, checkNow };
}
