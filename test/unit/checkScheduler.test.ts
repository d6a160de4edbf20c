import { expect } from 'chai';
import { createCheckOutbox } from '../../producers/checkOutbox.js';
import { CheckScheduler, type CheckSettled, type SchedulerDeps } from '../../producers/scheduler.js';
import type { HealthChecked } from '../../health/events.js';
import type { OutgoingRecord } from '../../platform/kafka.js';
import { fakeClock, fakeLog } from '../support/fakeTime.js';
import { aCheck } from '../support/checks.js';

const integration = (id: string, checkIntervalSeconds = 60) => ({ integrationId: id, userId: 'u', provider: 'http', config: { url: `http://${id}` }, checkIntervalSeconds });

/** A scheduler whose publish acks only when the test says so. */
function withHeldAcks(overrides: Partial<SchedulerDeps> = {}) {
  const clock = fakeClock();
  const checked: string[] = [];
  const held: { event: HealthChecked; ack(): void }[] = [];
  const scheduler = new CheckScheduler({
    ...clock,
    random: () => 0,
    jitterRatio: 0,
    maxConcurrent: 10,
    retry: { maxAttempts: 3, baseMs: 1000, capMs: 8000 },
    check: async (i, trigger, _attempt, requestId) => {
      checked.push(`${i.integrationId}:${trigger}${requestId ? `:${requestId}` : ''}`);
      return aCheck({ integrationId: i.integrationId, trigger, requestId });
    },
    publish: (event) => new Promise<void>((ack) => held.push({ event, ack })),
    onError: () => undefined,
    ...overrides,
  });
  return { clock, scheduler, checked, held };
}

function track(p: Promise<CheckSettled>) {
  const t = { how: undefined as CheckSettled | undefined };
  void p.then((how) => (t.how = how));
  return t;
}

describe('CheckScheduler with the outbox', () => {
  it('still publishes a check that was running when it stopped (a fact is a fact), with no next check', async () => {
    let finish: () => void = () => undefined;
    const { clock, scheduler, held } = withHeldAcks({
      check: (i, trigger) => new Promise((resolve) => (finish = () => resolve(aCheck({ integrationId: i.integrationId, trigger })))),
    });
    scheduler.upsert(integration('a'), 0);
    await clock.advance(0);
    scheduler.stop();
    finish();
    await scheduler.idle();
    await clock.settle();
    expect(held.map((h) => [h.event.integrationId, h.event.nextCheckAt])).to.deep.equal([['a', null]]);
  });

  it('settles a manual check only once its result is acked', async () => {
    const { clock, scheduler, held } = withHeldAcks();
    scheduler.upsert(integration('a', 3600), -3_600_000 * 2);
    const request = track(scheduler.checkNow('a', 'manual', 'req-1'));
    await clock.advance(0);
    expect(held.map((h) => h.event.requestId)).to.deep.equal(['req-1']);
    await clock.advance(1_000);
    expect(request.how).to.equal(undefined);
    held[0]?.ack();
    await clock.settle();
    expect(request.how).to.equal('acked');
  });

  it('runs a redelivered request once: the second delivery waits for the first run', async () => {
    const { clock, scheduler, checked, held } = withHeldAcks();
    scheduler.upsert(integration('a', 3600), -3_600_000 * 2);
    const first = scheduler.checkNow('a', 'manual', 'req-1');
    await clock.advance(0);
    const again = scheduler.checkNow('a', 'manual', 'req-1');
    expect(again).to.equal(first);
    expect(scheduler.requested('req-1')).to.equal(first);
    await clock.advance(0);
    expect(checked).to.deep.equal(['a:manual:req-1']);
    held[0]?.ack();
    expect(await again).to.equal('acked');
  });

  it('remembers a bounded number of requests, oldest forgotten first', () => {
    const { scheduler } = withHeldAcks({ rememberedRequests: 2 });
    scheduler.upsert(integration('a'), 0);
    for (const r of ['r1', 'r2', 'r3']) void scheduler.checkNow('a', 'manual', r);
    expect(scheduler.requested('r1')).to.equal(undefined);
    expect(scheduler.requested('r2')).to.not.equal(undefined);
    expect(scheduler.requested('r3')).to.not.equal(undefined);
  });

  it('settles a manual check that will not run: unknown, removed, superseded, changed, or stopped', async () => {
    const { clock, scheduler } = withHeldAcks();
    expect(await scheduler.checkNow('nobody', 'manual', 'r0')).to.equal('moot');

    scheduler.upsert(integration('a'), 0);
    const removed = scheduler.checkNow('a', 'manual', 'r1');
    scheduler.remove('a');
    expect(await removed).to.equal('moot');

    scheduler.upsert(integration('b'), 0);
    const superseded = scheduler.checkNow('b', 'manual', 'r2');
    const changed = scheduler.checkNow('b', 'manual', 'r3');
    expect(await superseded).to.equal('moot');
    scheduler.upsert({ ...integration('b'), config: { url: 'http://elsewhere' } }, 0);
    expect(await changed).to.equal('moot');

    scheduler.upsert(integration('c'), 0);
    const stopped = scheduler.checkNow('c', 'manual', 'r4');
    scheduler.stop();
    expect(await stopped).to.equal('stopped');
    await clock.advance(0);
  });

  it('publishes a check whose integration changed while it ran (it happened), announcing no next check', async () => {
    let release: () => void = () => undefined;
    const { clock, scheduler, held } = withHeldAcks({
      check: async (i) => { await new Promise<void>((r) => (release = r)); return aCheck({ integrationId: i.integrationId }); },
    });
    scheduler.upsert(integration('a'), -3_600_000);
    const request = track(scheduler.checkNow('a', 'manual', 'r1'));
    await clock.advance(0);
    scheduler.upsert({ ...integration('a'), config: { url: 'http://elsewhere' } }, 0);
    release();
    await clock.settle();
    expect(held.map((h) => h.event.nextCheckAt)).to.deep.equal([null]);
    held[0]!.ack();
    await clock.settle();
    expect(request.how).to.equal('acked');
  });

  it('drops the result of a check whose integration was disconnected while it ran', async () => {
    let release: () => void = () => undefined;
    const { clock, scheduler, held } = withHeldAcks({
      check: async (i) => { await new Promise<void>((r) => (release = r)); return aCheck({ integrationId: i.integrationId }); },
    });
    scheduler.upsert(integration('a'), -3_600_000);
    const request = track(scheduler.checkNow('a', 'manual', 'r1'));
    await clock.advance(0);
    scheduler.remove('a');
    release();
    await clock.settle();
    expect(held).to.have.length(0);
    expect(request.how).to.equal('moot');
  });

  it('publishes a check that was running when its partition moved to another worker', async () => {
    let release: () => void = () => undefined;
    const { clock, scheduler, held } = withHeldAcks({
      check: async (i) => { await new Promise<void>((r) => (release = r)); return aCheck({ integrationId: i.integrationId }); },
    });
    scheduler.upsert(integration('a'), 0);
    await clock.advance(0);
    scheduler.retain(() => false);
    release();
    await clock.settle();
    expect(held.map((h) => [h.event.integrationId, h.event.nextCheckAt])).to.deep.equal([['a', null]]);
  });

  it('settles a manual check whose check threw as failed, and schedules the routine check', async () => {
    const errors: string[] = [];
    const attempts: string[] = [];
    const { clock, scheduler } = withHeldAcks({
      check: async (_i, trigger) => { attempts.push(trigger); throw new Error('credential store unreachable'); },
      onError: (err) => void errors.push((err as Error).message),
    });
    scheduler.upsert(integration('a', 60), -3_600_000);
    const request = scheduler.checkNow('a', 'manual', 'r1');
    await clock.advance(0);
    expect(await request).to.equal('failed');
    expect(errors).to.deep.equal(['credential store unreachable']);
    await clock.advance(60_000);
    expect(attempts).to.deep.equal(['manual', 'scheduled']);
  });

  it('frees a check slot once the result is handed over: a slow Kafka holds no slot', async () => {
    const { clock, scheduler, checked, held } = withHeldAcks({ maxConcurrent: 1 });
    for (const id of ['a', 'b', 'c']) scheduler.upsert(integration(id), 0);
    await clock.advance(0);
    expect(checked).to.deep.equal(['a:scheduled', 'b:scheduled', 'c:scheduled']);
    expect(held).to.have.length(3); // none acked, all checked
    await scheduler.idle();
  });

  it('skips and counts routine slots while the outbox is full, runs manual checks anyway, then resumes and says how many were skipped', async () => {
    const log = fakeLog();
    const { clock, scheduler, checked } = withHeldAcks({ log });
    scheduler.upsert(integration('a', 60), 0);
    scheduler.upsert(integration('b', 60), 0);
    await clock.advance(0);
    expect(checked).to.deep.equal(['a:scheduled', 'b:scheduled']);

    scheduler.setOutboxFull(true);
    await clock.advance(60_000); // both slots come up: skipped
    await clock.advance(60_000); // and again
    expect(checked).to.have.length(2);
    expect(scheduler.skippedSlots).to.equal(4);
    void scheduler.checkNow('a', 'manual', 'r1');
    await clock.advance(0);
    expect(checked).to.deep.equal(['a:scheduled', 'b:scheduled', 'a:manual:r1']);

    scheduler.setOutboxFull(false);
    expect(log.lines.map((l) => `${l.level} ${l.msg}`)).to.deep.equal([
      'warn check outbox full; skipping check slots until Kafka takes results again',
      'info check slots skipped while Kafka was unavailable',
    ]);
    expect(log.lines[1]?.fields).to.deep.include({ skippedSlots: 4, integrations: 2, forMs: 60_000 });
    // Each integration comes back at its routine interval after its last skipped slot.
    await clock.advance(60_000);
    expect(checked.slice(3).sort()).to.deep.equal(['a:scheduled', 'b:scheduled']);
    expect(scheduler.skippedSlots).to.equal(4);
  });

  it('with a real outbox: stops starting checks while Kafka is away and the outbox is full, loses no result, then resumes', async () => {
    const clock = fakeClock();
    const log = fakeLog();
    let refusing = false;
    const sent: { keys: string[]; ok: boolean }[] = [];
    const producer = {
      async send(_topic: string, records: OutgoingRecord[]) {
        sent.push({ keys: records.map((r) => r.value.toString()), ok: !refusing });
        if (refusing) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      },
    };
    let scheduler: CheckScheduler | undefined;
    const outbox = createCheckOutbox({
      producer, capacity: 6, now: clock.now, random: () => 0, setTimer: clock.setTimer, clearTimer: clock.clearTimer, log,
      onFullChange: (full) => scheduler?.setOutboxFull(full),
    });
    let seq = 0;
    const produced: string[] = [];
    scheduler = new CheckScheduler({
      ...clock, random: () => 0, jitterRatio: 0, maxConcurrent: 10, log,
      retry: { maxAttempts: 1, baseMs: 1, capMs: 1 },
      check: async (i) => aCheck({ integrationId: i.integrationId, eventId: `${i.integrationId}#${++seq}` }),
      publish: (event) => { produced.push(event.eventId); return outbox.offer('checks', { key: event.integrationId, value: Buffer.from(event.eventId) }); },
      onError: () => undefined,
    });
    for (const id of ['a', 'b', 'c']) scheduler.upsert(integration(id, 10), 0);
    await clock.advance(1_000); // the first results are acked
    refusing = true;
    await clock.advance(9_000);
    expect(outbox.stats()).to.include({ buffered: 3, full: false });
    await clock.advance(10_000); // 6 results waiting: full
    expect(outbox.full).to.equal(true);
    const before = produced.length;
    await clock.advance(60_000); // Kafka still away: every slot skipped
    expect(produced).to.have.length(before);
    expect(scheduler.skippedSlots).to.equal(18);
    refusing = false;
    await clock.advance(40_000);
    expect(outbox.full).to.equal(false);
    expect(produced.length).to.be.greaterThan(before);
    await clock.advance(1_000);
    const delivered = sent.filter((s) => s.ok).flatMap((s) => s.keys);
    expect(delivered).to.deep.equal(produced);
    expect(outbox.stats().buffered).to.equal(0);
    expect(log.lines.map((l) => l.msg)).to.deep.equal([
      'Kafka does not take check results; holding them in the outbox',
      'check outbox full; skipping check slots until Kafka takes results again',
      'Kafka takes check results again',
      'check slots skipped while Kafka was unavailable',
    ]);
    scheduler.stop();
  });
});
