import { expect } from 'chai';
import { createCheckOutbox, resendDelayMs, type CheckOutboxDeps } from '../../producers/checkOutbox.js';
import type { OutgoingRecord } from '../../platform/kafka.js';
import { fakeClock, fakeLog } from '../support/fakeTime.js';

/** Refuses while `refusing()` says so (or for its first `failures` sends), and records every send. */
function fakeProducer(opts: { failures?: number; refusing?: () => boolean } = {}) {
  let failuresLeft = opts.failures ?? 0;
  const sends: { topic: string; keys: string[]; ok: boolean }[] = [];
  return {
    sends,
    /** Keys in the order Kafka accepted them. */
    delivered: () => sends.filter((s) => s.ok).flatMap((s) => s.keys),
    async send(topic: string, records: OutgoingRecord[]) {
      const fail = failuresLeft > 0 || Boolean(opts.refusing?.());
      if (failuresLeft > 0) failuresLeft--;
      sends.push({ topic, keys: records.map((r) => r.key), ok: !fail });
      if (fail) throw new Error('There is no leader for this topic-partition');
    },
  };
}

const rec = (key: string): OutgoingRecord => ({ key, value: Buffer.from(key) });
const keys = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function setup(producer: Pick<ReturnType<typeof fakeProducer>, 'send'>, overrides: Partial<CheckOutboxDeps> = {}) {
  const clock = fakeClock();
  const log = fakeLog();
  const fullChanges: boolean[] = [];
  const outbox = createCheckOutbox({
    producer,
    capacity: 1_000,
    now: clock.now,
    random: () => 0.5,
    setTimer: clock.setTimer,
    clearTimer: clock.clearTimer,
    log,
    onFullChange: (full) => fullChanges.push(full),
    lingerMs: 5,
    maxBatch: 500,
    backoff: { baseMs: 500, capMs: 30_000 },
    ...overrides,
  });
  return { clock, log, outbox, fullChanges };
}

describe('check outbox', () => {
  it('sends what arrives within the linger as one batch, in order, and resolves each offer on the ack', async () => {
    const producer = fakeProducer();
    const { clock, outbox } = setup(producer);
    const acked: string[] = [];
    for (const k of ['a', 'b', 'c']) void outbox.offer('checks', rec(k)).then(() => acked.push(k));
    await clock.advance(4);
    expect(producer.sends).to.have.length(0);
    await clock.advance(1);
    expect(producer.sends).to.deep.equal([{ topic: 'checks', keys: ['a', 'b', 'c'], ok: true }]);
    expect(acked).to.deep.equal(['a', 'b', 'c']);
    expect(outbox.stats()).to.include({ buffered: 0, full: false, oldestWaitingMs: 0, sendFailures: 0 });
  });

  it('sends at most maxBatch records at once, never mixes lanes (topics) in one send, and keeps each lane in order', async () => {
    const producer = fakeProducer();
    const { clock, outbox } = setup(producer, { maxBatch: 500 });
    const offered = [...keys('x', 1_200)];
    for (const k of offered) void outbox.offer('checks', rec(k));
    void outbox.offer('lifecycle', rec('reauth'));
    void outbox.offer('checks', rec('after'));
    await clock.advance(50);
    const ofTopic = (topic: string) => producer.sends.filter((x) => x.topic === topic);
    expect(ofTopic('checks').map((x) => x.keys.length)).to.deep.equal([500, 500, 201]);
    expect(ofTopic('checks').flatMap((x) => x.keys)).to.deep.equal([...offered, 'after']);
    expect(ofTopic('lifecycle').map((x) => x.keys)).to.deep.equal([['reauth']]);
  });

  it('gives each partition a lane of its own: a partition whose sends are refused holds up no other', async () => {
    const sends: { keys: string[]; ok: boolean }[] = [];
    const producer = {
      async send(_topic: string, records: OutgoingRecord[]) {
        const ok = !records.some((r) => r.partition === 0);
        sends.push({ keys: records.map((r) => r.key), ok });
        if (!ok) throw new Error('leader of partition 0 not available');
      },
    };
    const { clock, outbox } = setup(producer, { laneOf: (_t: string, r: OutgoingRecord) => String(r.partition) });
    const acked: string[] = [];
    for (const [key, partition] of [['a', 0], ['b', 1], ['c', 2], ['d', 0], ['e', 1]] as const) {
      void outbox.offer('checks', { ...rec(key), partition }).then(() => acked.push(key));
    }
    await clock.advance(2_000);
    expect(acked.sort()).to.deep.equal(['b', 'c', 'e']);
    expect(sends.filter((x) => !x.ok).every((x) => x.keys.join() === 'a,d'), 'partition 0 re-sent unchanged').to.equal(true);
    expect(outbox.stats().buffered).to.equal(2);
  });

  it('re-sends a refused batch unchanged until it is acked; records offered meanwhile go in a later batch', async () => {
    const producer = fakeProducer({ failures: 3 });
    const { clock, outbox } = setup(producer);
    let firstAcked = false;
    void outbox.offer('checks', rec('a')).then(() => (firstAcked = true));
    void outbox.offer('checks', rec('b'));
    await clock.advance(5);
    expect(producer.sends).to.have.length(1);
    void outbox.offer('checks', rec('c'));
    await clock.advance(1_000);
    void outbox.offer('checks', rec('d'));
    expect(firstAcked).to.equal(false);
    await clock.advance(60_000);
    expect(producer.sends).to.deep.equal([
      { topic: 'checks', keys: ['a', 'b'], ok: false },
      { topic: 'checks', keys: ['a', 'b'], ok: false },
      { topic: 'checks', keys: ['a', 'b'], ok: false },
      { topic: 'checks', keys: ['a', 'b'], ok: true },
      { topic: 'checks', keys: ['c', 'd'], ok: true },
    ]);
    expect(firstAcked).to.equal(true);
    expect(outbox.stats()).to.include({ buffered: 0, sendFailures: 3 });
  });

  it('loses nothing and repeats nothing over a two-minute outage, and says so in two log lines', async () => {
    let now = () => 0;
    const producer = fakeProducer({ refusing: () => now() < 120_000 });
    const { clock: c, outbox, log } = setup(producer);
    now = c.now;
    const offered: string[] = [];
    let acked = 0;
    // A record every 100 ms for three minutes: before, during and after the outage.
    for (let i = 0; i < 1_800; i++) {
      const k = `r${i}`;
      offered.push(k);
      void outbox.offer('checks', rec(k)).then(() => acked++);
      await c.advance(100);
    }
    await c.advance(60_000);
    expect(producer.delivered()).to.deep.equal(offered);
    expect(acked).to.equal(offered.length);
    // Every refused attempt was the very first batch: the idempotent producer can dedupe it.
    const refused = producer.sends.filter((s) => !s.ok);
    expect(refused.length).to.be.greaterThan(5);
    expect(new Set(refused.map((s) => s.keys.join()))).to.have.property('size', 1);
    expect(log.lines.map((l) => `${l.level} ${l.msg}`)).to.deep.equal([
      'warn Kafka does not take check results; holding them in the outbox',
      'info Kafka takes check results again',
    ]);
    const recovered = log.lines[1]?.fields ?? {};
    expect(recovered.failedSends).to.equal(refused.length);
    expect(recovered.records).to.be.greaterThan(1_000);
    expect(recovered.refusedForMs).to.be.at.least(100_000);
  });

  it('calls itself full at capacity, keeps accepting, and has room again once Kafka takes the backlog', async () => {
    let refusing = true;
    const producer = fakeProducer({ refusing: () => refusing });
    const { clock, outbox, fullChanges } = setup(producer, { capacity: 10 });
    for (const k of keys('a', 9)) void outbox.offer('checks', rec(k));
    await clock.advance(5);
    expect(outbox.full).to.equal(false);
    void outbox.offer('checks', rec('a9'));
    expect(outbox.full).to.equal(true);
    let lateAcked = false;
    void outbox.offer('checks', rec('late')).then(() => (lateAcked = true));
    await clock.advance(10_000);
    expect(outbox.stats()).to.deep.include({ buffered: 11, capacity: 10, full: true, oldestWaitingMs: 10_005 });
    expect(outbox.stats().sendFailures).to.be.greaterThan(1);
    expect(fullChanges).to.deep.equal([true]);
    refusing = false;
    await clock.advance(30_000);
    expect(fullChanges).to.deep.equal([true, false]);
    expect(lateAcked).to.equal(true);
    expect(producer.delivered()).to.deep.equal([...keys('a', 10), 'late']);
  });

  it('flush sends at once and reports what Kafka did not take in time', async () => {
    const producer = fakeProducer();
    const { clock, outbox } = setup(producer, { lingerMs: 1_000 });
    void outbox.offer('checks', rec('a'));
    const flushed = outbox.flush(5_000);
    await clock.advance(0);
    expect(await flushed).to.equal(0);
    expect(producer.delivered()).to.deep.equal(['a']);

    const down = fakeProducer({ refusing: () => true });
    const { clock: c2, outbox: o2 } = setup(down);
    void o2.offer('checks', rec('b'));
    void o2.offer('checks', rec('c'));
    const left = o2.flush(5_000);
    await c2.advance(5_000);
    expect(await left).to.equal(2);
    o2.stop();
    const attempts = down.sends.length;
    await c2.advance(600_000);
    expect(down.sends).to.have.length(attempts);
  });
});

describe('outbox resend backoff', () => {
  const policy = { baseMs: 500, capMs: 30_000 };

  it('grows exponentially and is capped', () => {
    const upper = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => resendDelayMs(n, policy, () => 1));
    expect(upper).to.deep.equal([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('jitters the upper half only, so a retry never comes at once', () => {
    expect(resendDelayMs(3, policy, () => 0)).to.equal(1_000);
    expect(resendDelayMs(3, policy, () => 0.5)).to.equal(1_500);
    expect(resendDelayMs(50, policy, () => 0)).to.equal(15_000);
  });
});
