// A clock and timers that move only when a unit test says so, and a logger that keeps what it
// is told: the side effects the outbox and the scheduler take as parameters.

/** Timers fire in time order, one at a time, only when the test advances the clock. */
export function fakeClock() {
  let now = 0;
  let seq = 0;
  let timers: { at: number; id: number; fn: () => void }[] = [];
  const settle = () => new Promise((r) => setImmediate(r));
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => { const id = ++seq; timers.push({ at: now + ms, id, fn }); return id; },
    clearTimer: (id: unknown) => { timers = timers.filter((t) => t.id !== id); },
    settle,
    async advance(ms: number) {
      const until = now + ms;
      await settle();
      for (;;) {
        const next = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
        if (!next) break;
        timers = timers.filter((t) => t !== next);
        now = next.at;
        next.fn();
        await settle();
      }
      now = until;
      await settle();
    },
  };
}

export function fakeLog() {
  const lines: { level: 'warn' | 'info'; msg: string; fields: Record<string, unknown> }[] = [];
  return {
    lines,
    warn: (fields: object, msg: string) => void lines.push({ level: 'warn', msg, fields: fields as Record<string, unknown> }),
    info: (fields: object, msg: string) => void lines.push({ level: 'info', msg, fields: fields as Record<string, unknown> }),
  };
}
