// Alerting writes are accepted onto Kafka (202) and reach the read model a moment later. A
// screen that re-read at once would show the old state and look as if the write failed, so
// writers poll the read until it shows the change, then hand that answer to the cache.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads until `done(answer)` or `timeoutMs` passes; returns the last answer and whether it
 * showed the change (a slow projection is not an error: the change is on its way).
 */
export async function untilProjected<T>(read: () => Promise<T>, done: (answer: T) => boolean, timeoutMs = 15_000): Promise<{ answer: T; seen: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 150; ; wait = Math.min(1_000, Math.round(wait * 1.6))) {
    const answer = await read();
    if (done(answer)) return { answer, seen: true };
    if (Date.now() + wait > deadline) return { answer, seen: false };
    await sleep(wait);
  }
}
