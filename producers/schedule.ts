// When checks run: pure arithmetic over the interval, the jitter and a random source.

/** Delay until the next routine check: the interval plus up to `jitterRatio` of it at random. */
export function nextCheckDelayMs(intervalSeconds: number, jitterRatio: number, random: () => number): number {
  return Math.round(intervalSeconds * 1000 * (1 + jitterRatio * random()));
}

/**
 * Delay before the first check a worker runs for an integration it has just taken over.
 * A freshly connected integration is checked at once (the user is waiting to see it turn
 * green); others are spread across one interval so a restart does not check everything at once.
 */
export function firstCheckDelayMs(connectedAt: number, now: number, intervalSeconds: number, random: () => number): number {
  const intervalMs = intervalSeconds * 1000;
  if (now - connectedAt < intervalMs) return 0;
  return Math.round(intervalMs * random());
}

/** Failures worth trying again soon: the provider or the network may recover by itself. */
export const transientErrors = new Set([
  'timeout', 'connection_refused', 'connection_reset', 'network_error', 'dns_failure', 'server_error',
  'rate_limited', 'malformed_response', 'socket_mode_failed',
]);

export interface RetryPolicy {
  /** Attempts per failure episode, the first included (3 = one check and two retries). */
  maxAttempts: number;
  baseMs: number;
  capMs: number;
}

/**
 * Exponential backoff with full jitter (a random delay up to base·2^(attempt-1), capped),
 * never sooner than the provider's Retry-After.
 */
export function retryDelayMs(attempt: number, retryAfterSeconds: number | null, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.max(Math.round(ceiling * random()), (retryAfterSeconds ?? 0) * 1000);
}

export interface NextCheck {
  delayMs: number;
  trigger: 'scheduled' | 'retry';
  attempt: number;
}

/** What follows a check: a retry of a transient failure, or the routine interval. */
export function nextAfter(
  result: { outcome: string; attempt: number; error: { code: string; retryAfterSeconds: number | null } | null },
  intervalSeconds: number,
  jitterRatio: number,
  policy: RetryPolicy,
  random: () => number,
): NextCheck {
  const error = result.outcome === 'failed' ? result.error : null;
  if (error && transientErrors.has(error.code) && result.attempt < policy.maxAttempts) {
    return { delayMs: retryDelayMs(result.attempt, error.retryAfterSeconds, policy, random), trigger: 'retry', attempt: result.attempt + 1 };
  }
  const routine = nextCheckDelayMs(intervalSeconds, jitterRatio, random);
  return { delayMs: Math.max(routine, (error?.retryAfterSeconds ?? 0) * 1000), trigger: 'scheduled', attempt: 1 };
}
