import { expect } from 'chai';
import { firstCheckDelayMs, nextCheckDelayMs } from '../../producers/schedule.js';
import { CheckScheduler } from '../../producers/scheduler.js';
import type { HealthChecked } from '../../health/events.js';
import { aCheck } from '../support/checks.js';

describe('check schedule', () => {
  it('adds at most the jitter ratio of the interval', () => {
    expect(nextCheckDelayMs(300, 0.1, () => 0)).to.equal(300_000);
    expect(nextCheckDelayMs(300, 0.1, () => 0.999999)).to.be.closeTo(330_000, 1);
  });

  it('checks a freshly connected integration at once and spreads older ones over an interval', () => {
    const now = 1_000_000_000;
    expect(firstCheckDelayMs(now - 5_000, now, 300, () => 0.5)).to.equal(0);
    expect(firstCheckDelayMs(now - 3_600_000, now, 300, () => 0.5)).to.equal(150_000);
  });
});

/** A manual clock: timers fire only when the test advances time. */
function manualClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let seq = 0;
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => { const id = ++seq; timers.push({ at: now + ms, fn, id }); return id; },
    clearTimer: (id: unknown) => { timers = timers.filter((t) => t.id !== id); },
    async advance(ms: number) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      due.forEach((t) => t.fn());
      await new Promise((r) => setImmediate(r));
    },
    pending: () => timers.length,
  };
}

describe('CheckScheduler', () => {
  const integration = { integrationId: 'a', userId: 'u', provider: 'http', config: { url: 'http://x' }, checkIntervalSeconds: 60 };

  function setup(maxConcurrent = 10) {
    const clock = manualClock();
    const published: HealthChecked[] = [];
    const checked: string[] = [];
    const scheduler = new CheckScheduler({
      ...clock,
      random: () => 0,
      jitterRatio: 0.1,
      maxConcurrent,
      retry: { maxAttempts: 3, baseMs: 1000, capMs: 8000 },
      check: async (i, trigger) => { checked.push(`${i.integrationId}:${trigger}`); return aCheck({ integrationId: i.integrationId }); },
      publish: async (e) => void published.push(e),
      onError: () => undefined,
    });
    return { clock, scheduler, published, checked };
  }

  it('checks a new integration at once, then every interval, stamping the next check time', async () => {
    const { clock, scheduler, published } = setup();
    scheduler.upsert(integration, clock.now());
    await clock.advance(0);
    expect(published).to.have.length(1);
    expect(published[0]?.nextCheckAt).to.equal(60_000);
    await clock.advance(59_999);
    expect(published).to.have.length(1);
    await clock.advance(1);
    expect(published).to.have.length(2);
  });

  it('stops checking a removed integration', async () => {
    const { clock, scheduler, published } = setup();
    scheduler.upsert(integration, clock.now());
    await clock.advance(0);
    scheduler.remove('a');
    await clock.advance(120_000);
    expect(published).to.have.length(1);
    expect(clock.pending()).to.equal(0);
  });

  it('ignores a repeated upsert with the same settings and re-checks at once when they change', async () => {
    const { clock, scheduler, checked } = setup();
    scheduler.upsert(integration, clock.now());
    await clock.advance(0);
    scheduler.upsert({ ...integration }, clock.now());
    await clock.advance(1_000);
    expect(checked).to.have.length(1);
    scheduler.upsert({ ...integration, config: { url: 'http://y' } }, clock.now());
    await clock.advance(0);
    expect(checked).to.have.length(2);
    expect(clock.pending()).to.equal(1);
  });

  it('keeps only the integrations it is told to retain', async () => {
    const { clock, scheduler } = setup();
    scheduler.upsert(integration, clock.now());
    scheduler.upsert({ ...integration, integrationId: 'b' }, clock.now());
    scheduler.retain((id) => id === 'b');
    expect(scheduler.has('a')).to.equal(false);
    expect(scheduler.has('b')).to.equal(true);
  });

  it('never runs more checks at once than allowed', async () => {
    const clock = manualClock();
    let running = 0;
    let peak = 0;
    const release: (() => void)[] = [];
    const scheduler = new CheckScheduler({
      ...clock, random: () => 0, jitterRatio: 0, maxConcurrent: 2, retry: { maxAttempts: 1, baseMs: 1, capMs: 1 },
      check: async (i) => {
        running++; peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return aCheck({ integrationId: i.integrationId });
      },
      publish: async () => undefined,
      onError: () => undefined,
    });
    for (const id of ['a', 'b', 'c', 'd', 'e']) scheduler.upsert({ ...integration, integrationId: id }, 0);
    await clock.advance(0);
    expect(running).to.equal(2);
    while (release.length) { release.shift()?.(); await new Promise((r) => setImmediate(r)); }
    await scheduler.idle();
    expect(peak).to.equal(2);
  });
});
