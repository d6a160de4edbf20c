// When to try a webhook again: exponential backoff with full jitter (a random delay up to
// base·2^(attempt-1), capped), so receivers coming back from an outage are not hit by every
// sender at the same instant; never sooner than the receiver's Retry-After, within the cap.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Delay after failed attempt number `attempt` (1-based). */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy, random: () => number, retryAfterMs: number | null = null): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
  const jittered = Math.floor(ceiling * random());
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, policy.capMs));
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from `nowMs`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // HTTP dates start with the weekday (IMF-fixdate, RFC 850, asctime); Date.parse alone would take "-5" for a year.
  const at = /^[A-Za-z]{3,9},? /.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
