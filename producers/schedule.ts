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
