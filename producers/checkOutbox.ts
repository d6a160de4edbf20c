// Everything a check worker produces (HealthChecked facts, the lifecycle events a check emits)
// waits here until Kafka has acked it, so a broker outage delays facts instead of losing them.
//
// One FIFO per lane — a topic partition, when the caller says which (`laneOf`) — and one batch
// in flight per lane. A batch handed to the producer is re-sent unchanged until it is acked:
// the idempotent producer recognises a re-sent batch (same producer id, same sequence numbers)
// only when it holds the same records in the same order, so a record offered meanwhile waits
// for the next batch. A batch of one partition goes to one broker and is taken or refused
// whole; a batch spanning partitions could be taken by one broker and refused by another, and
// its re-send would then repeat what was taken. Lanes also keep a partition whose leader is
// moving from holding up the others. Capacity does not refuse records (a running check's
// result has nowhere else to go); it tells the scheduler to stop starting checks.
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
  /** Which FIFO a record joins (e.g. its topic partition); one lane per topic when absent. */
  laneOf?(topic: string, record: OutgoingRecord): string;
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

interface Lane {
  topic: string;
  queue: Held[];
  /** The batch handed to the producer; kept, unchanged, until acked. */
  inFlight: Held[] | null;
  sending: boolean;
  timer: unknown;
  lingering: boolean;
}

export function createCheckOutbox(deps: CheckOutboxDeps): CheckOutbox {
  const lingerMs = deps.lingerMs ?? 5;
  const maxBatch = deps.maxBatch ?? 500;
  const backoff = deps.backoff ?? { baseMs: 500, capMs: 30_000 };
  const laneOf = deps.laneOf ?? ((topic: string) => topic);

  const lanes = new Map<string, Lane>();
  let full = false;
  let stopped = false;
  let sendFailures = 0;
  /** Failures in a row (any lane); > 0 means Kafka is refusing. */
  let failing = 0;
  /** Lanes whose last send was refused. */
  const refusing = new Set<Lane>();
  let refusingSince = 0;
  let drained: (() => void)[] = [];
  /** Flushes waiting: send without lingering. */
  let flushing = 0;

  const buffered = () => {
    let n = 0;
    for (const lane of lanes.values()) n += lane.queue.length + (lane.inFlight?.length ?? 0);
    return n;
  };

  const updateFull = () => {
    const n = buffered();
    if (!full && n >= deps.capacity) full = true;
    else if (full && n < deps.capacity * ROOM_AGAIN) full = false;
    else return;
    deps.onFullChange?.(full);
  };

  const arm = (lane: Lane, ms: number) => {
    lane.timer = deps.setTimer(() => {
      lane.timer = undefined;
      lane.lingering = false;
      send(lane);
    }, ms);
  };

  /** Starts a lane's send now, after the linger, or not at all (one already in flight or pending). */
  const schedule = (lane: Lane) => {
    if (stopped || lane.sending || lane.timer !== undefined) return;
    if (lane.inFlight || lane.queue.length >= maxBatch || (flushing && lane.queue.length)) return void send(lane);
    if (!lane.queue.length) return;
    lane.lingering = true;
    arm(lane, lingerMs);
  };

  const send = (lane: Lane) => {
    if (stopped || lane.sending) return;
    lane.inFlight ??= lane.queue.splice(0, maxBatch);
    const batch = lane.inFlight;
    if (!batch.length) {
      lane.inFlight = null;
      return;
    }
    lane.sending = true;
    Promise.resolve()
      .then(() => deps.producer.send(lane.topic, batch.map((h) => h.record)))
      .then(() => acked(lane, batch), (err: unknown) => refused(lane, batch, err));
  };

  const acked = (lane: Lane, batch: Held[]) => {
    lane.sending = false;
    lane.inFlight = null;
    refusing.delete(lane);
    if (failing && refusing.size === 0) {
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
    schedule(lane);
  };

  const refused = (lane: Lane, batch: Held[], err: unknown) => {
    lane.sending = false;
    sendFailures++;
    refusing.add(lane);
    if (failing++ === 0) {
      refusingSince = deps.now();
      deps.log.warn(
        { records: buffered(), topic: batch[0]?.topic, err: { message: (err as Error)?.message } },
        'Kafka does not take check results; holding them in the outbox',
      );
    }
    if (!stopped) arm(lane, resendDelayMs(failing, backoff, deps.random));
  };

  const laneFor = (topic: string, record: OutgoingRecord): Lane => {
    const key = `${topic}\u0000${laneOf(topic, record)}`;
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { topic, queue: [], inFlight: null, sending: false, timer: undefined, lingering: false }));
    return lane;
  };

  return {
    offer(topic, record) {
      return new Promise<void>((resolve) => {
        const lane = laneFor(topic, record);
        lane.queue.push({ topic, record, offeredAt: deps.now(), acked: resolve });
        updateFull();
        schedule(lane);
      });
    },
    get full() {
      return full;
    },
    stats() {
      let oldest: number | undefined;
      for (const lane of lanes.values()) {
        const first = lane.inFlight?.[0] ?? lane.queue[0];
        if (first && (oldest === undefined || first.offeredAt < oldest)) oldest = first.offeredAt;
      }
      return { buffered: buffered(), capacity: deps.capacity, full, oldestWaitingMs: oldest === undefined ? 0 : deps.now() - oldest, sendFailures };
    },
    flush(timeoutMs) {
      if (buffered() === 0) return Promise.resolve(0);
      flushing++;
      for (const lane of lanes.values()) {
        // Cut the linger short; a backoff wait stays (the cluster is refusing anyway).
        if (lane.lingering && lane.timer !== undefined) {
          deps.clearTimer(lane.timer);
          lane.timer = undefined;
          lane.lingering = false;
        }
        schedule(lane);
      }
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
      for (const lane of lanes.values()) {
        if (lane.timer !== undefined) deps.clearTimer(lane.timer);
        lane.timer = undefined;
      }
    },
  };
}
