// Everything a check worker produces (HealthChecked facts, the lifecycle events a check emits)
// waits here until Kafka has acked it, so a broker outage delays facts instead of losing them.
//
// One FIFO, one batch in flight. A batch handed to the producer is re-sent unchanged until it
// is acked: the idempotent producer recognises a re-sent batch (same producer id, same
// sequence numbers) only when it holds the same records in the same order, so a record
// offered meanwhile waits for the next batch. Capacity does not refuse records (a running
// check's result has nowhere else to go); it tells the scheduler to stop starting checks.
// KafkaJS has no linger setting, so records are collected for a few milliseconds first.
import type { EventProducer, OutgoingRecord } from '../platform/kafka.js';

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * Delay before re-sending after the `failures`-th failure in a row: exponential, capped, with
 * the upper half jittered so several workers do not hit a recovering cluster in step.
 */
export function resendDelayMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

export interface OutboxLog {
  warn(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
}

export interface CheckOutboxDeps {
  producer: Pick<EventProducer, 'send'>;
  /** Records held before the outbox calls itself full (it keeps accepting beyond that). */
  capacity: number;
  now(): number;
  random(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  log: OutboxLog;
  /** Told when the outbox fills up (true) and when it has room again (false). */
  onFullChange?(full: boolean): void;
  lingerMs?: number;
  maxBatch?: number;
  backoff?: BackoffPolicy;
}

export interface CheckOutboxStats {
  /** Records not yet acked, the batch in flight included. */
  buffered: number;
  capacity: number;
  full: boolean;
  /** How long the oldest unacked record has waited (0 when empty). */
  oldestWaitingMs: number;
  /** Failed sends since start (a counter). */
  sendFailures: number;
}

export interface CheckOutbox {
  /** Resolves once Kafka has acked the record; never rejects: it is re-sent until it is. */
  offer(topic: string, record: OutgoingRecord): Promise<void>;
  readonly full: boolean;
  stats(): CheckOutboxStats;
  /** Sends what is held now without lingering; resolves with how many records are still unacked after `timeoutMs` (0 = all sent). */
  flush(timeoutMs: number): Promise<number>;
  /** Stops sending and retrying (after flush, before the producer is closed). */
  stop(): void;
}

interface Held {
  topic: string;
  record: OutgoingRecord;
  offeredAt: number;
  acked(): void;
}

/** Room again below this share of capacity, so the scheduler does not flap at the brim. */
const ROOM_AGAIN = 0.9;

export function createCheckOutbox(deps: CheckOutboxDeps): CheckOutbox {
  const lingerMs = deps.lingerMs ?? 5;
  const maxBatch = deps.maxBatch ?? 500;
  const backoff = deps.backoff ?? { baseMs: 500, capMs: 30_000 };

  let queue: Held[] = [];
  /** The batch handed to the producer; kept, unchanged, until acked. */
  let inFlight: Held[] | null = null;
  let sending = false;
  let timer: unknown;
  let lingering = false;
  let full = false;
  let stopped = false;
  let sendFailures = 0;
  /** Failures in a row; > 0 means Kafka is refusing. */
  let failing = 0;
  let refusingSince = 0;
  let drained: (() => void)[] = [];
  /** Flushes waiting: send without lingering. */
  let flushing = 0;

  const buffered = () => queue.length + (inFlight?.length ?? 0);

  const updateFull = () => {
    const n = buffered();
    if (!full && n >= deps.capacity) full = true;
    else if (full && n < deps.capacity * ROOM_AGAIN) full = false;
    else return;
    deps.onFullChange?.(full);
  };

  const takeBatch = (): Held[] => {
    const topic = queue[0]?.topic;
    let n = 0;
    while (n < queue.length && n < maxBatch && queue[n]?.topic === topic) n++;
    return queue.splice(0, n);
  };

  const arm = (fn: () => void, ms: number) => {
    timer = deps.setTimer(() => {
      timer = undefined;
      lingering = false;
      fn();
    }, ms);
  };

  /** Starts a send now, after the linger, or not at all (one already in flight or pending). */
  const schedule = () => {
    if (stopped || sending || timer !== undefined) return;
    if (inFlight || queue.length >= maxBatch || (flushing && queue.length)) return void send();
    if (!queue.length) return;
    lingering = true;
    arm(send, lingerMs);
  };

  const send = () => {
    if (stopped || sending) return;
    inFlight ??= takeBatch();
    const batch = inFlight;
    const topic = batch[0]?.topic;
    if (!topic) {
      inFlight = null;
      return;
    }
    sending = true;
    Promise.resolve()
      .then(() => deps.producer.send(topic, batch.map((h) => h.record)))
      .then(() => acked(batch), (err: unknown) => refused(batch, err));
  };

  const acked = (batch: Held[]) => {
    sending = false;
    inFlight = null;
    if (failing) {
      const now = deps.now();
      deps.log.info(
        { records: buffered() + batch.length, refusedForMs: now - refusingSince, oldestWaitedMs: now - (batch[0]?.offeredAt ?? now), failedSends: failing },
        'Kafka takes check results again',
      );
      failing = 0;
    }
    for (const h of batch) h.acked();
    updateFull();
    if (buffered() === 0) drained.splice(0).forEach((r) => r());
    schedule();
  };

  const refused = (batch: Held[], err: unknown) => {
    sending = false;
    sendFailures++;
    if (failing++ === 0) {
      refusingSince = deps.now();
      deps.log.warn(
        { records: buffered(), topic: batch[0]?.topic, err: { message: (err as Error)?.message } },
        'Kafka does not take check results; holding them in the outbox',
      );
    }
    if (!stopped) arm(send, resendDelayMs(failing, backoff, deps.random));
  };

  return {
    offer(topic, record) {
      return new Promise<void>((resolve) => {
        queue.push({ topic, record, offeredAt: deps.now(), acked: resolve });
        updateFull();
        schedule();
      });
    },
    get full() {
      return full;
    },
    stats() {
      const oldest = inFlight?.[0] ?? queue[0];
      return { buffered: buffered(), capacity: deps.capacity, full, oldestWaitingMs: oldest ? deps.now() - oldest.offeredAt : 0, sendFailures };
    },
    flush(timeoutMs) {
      if (buffered() === 0) return Promise.resolve(0);
      // Cut the linger short; a backoff wait stays (the cluster is refusing anyway).
      if (lingering && timer !== undefined) {
        deps.clearTimer(timer);
        timer = undefined;
        lingering = false;
      }
      flushing++;
      schedule();
      return new Promise<number>((resolve) => {
        const done = () => {
          flushing--;
          deps.clearTimer(deadline);
          resolve(0);
        };
        const deadline = deps.setTimer(() => {
          flushing--;
          drained = drained.filter((d) => d !== done);
          resolve(buffered());
        }, timeoutMs);
        drained.push(done);
      });
    },
    stop() {
      stopped = true;
      if (timer !== undefined) deps.clearTimer(timer);
      timer = undefined;
    },
  };
}
