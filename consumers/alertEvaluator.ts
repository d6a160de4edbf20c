// Runs the alert evaluator (alerting/evaluate.ts) on Kafka with exactly-once output:
//
// - One member of the group holds every input partition (provider-wide rules need them
//   all); others wait as standbys and take over on a rebalance.
// - A batch's alert transitions and dead letters are committed in ONE Kafka transaction with
//   the offsets read so far; a failed transaction is aborted and the evaluator rebuilds itself
//   from the log, so no transition is ever written twice or lost. Batches that write nothing
//   commit lazily (with the next write, or once a second): re-evaluated after a crash from the
//   same state, they write nothing again.
// - Time is an input too: the active member writes EvaluatorTicked to alerts.clock and reads
//   it back, so escalations and stalled-check alerts are decided from the log.
// - State is rebuilt on activation: the Postgres snapshot (consumers/alertEvaluatorSnapshot.ts)
//   plus the inputs from the snapshot's offsets up to the group's committed offsets, evaluated
//   again WITHOUT emitting (their transitions were committed before). The core is
//   deterministic, so this re-derives exactly the state the previous owner had.
// - On the group's very first start (no committed offsets at all) history up to now is read
//   without emitting, so deploying alerting does not page anyone about last month.
import { randomUUID } from 'node:crypto';
import { alertRuleSchema, emptyState, evaluate, restoreState, takeChanges, type EvaluatorState } from '../alerting/index.js';
import { capInputTime, evaluatorInputOf, InvalidConfigEvent, transitionEvent } from '../alerting/eventMapping.js';
import type { AlertRule, EvaluatorSettings } from '../alerting/types.js';
import type { Db } from '../platform/db.js';
import { UndecodableRecord, type EventCodec } from '../platform/events.js';
import type { BatchControl, EventProducer, IncomingBatch, KafkaClient, OutgoingRecord, RunningConsumer, TransactionalProducer } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';
import { loadSnapshot, offsetKey, saveSnapshot, splitOffsetKey } from './alertEvaluatorSnapshot.js';
import { deadLetterRecord } from './deadLetters.js';

export interface AlertEvaluatorDeps {
  db: Db;
  kafka: KafkaClient;
  codec: EventCodec;
  topics: Topics;
  log: Logger;
  settings: EvaluatorSettings;
  tickSeconds: number;
  now: () => number;
}

/** Snapshots are an optimisation: at most one every this long. */
const SNAPSHOT_EVERY_MS = 2_000;
/** Offsets of batches that wrote nothing are committed at least this often. */
const COMMIT_EVERY_MS = 1_000;

interface Active {
  state: EvaluatorState;
  /** Inputs before these offsets were already evaluated and committed: re-evaluate silently. */
  replayUntil: Map<string, bigint>;
  /** Next offset to read per partition, as reflected by `state`. */
  position: Map<string, bigint>;
  /** Changed entries not yet in the snapshot (kept across a failed save). */
  unsaved: Map<string, unknown | null>;
  rewoundTo: Map<string, bigint>;
  /** Offsets read past but not yet committed (batches that wrote nothing). */
  uncommitted: Map<string, bigint>;
  lastCommitAt: number;
  lastSnapshotAt: number;
}

export async function runAlertEvaluator(deps: AlertEvaluatorDeps): Promise<RunningConsumer> {
  const { db, kafka, codec, topics, log, settings } = deps;
  const groupId = topics.group('pulse-alert-evaluator');
  const inputs = [topics.clock, topics.config, topics.lifecycle, topics.checks, topics.alerts];
  const elog = log.child({ component: 'alert-evaluator' });
  const parseRule = (raw: unknown) => alertRuleSchema.parse(raw) as AlertRule;

  let producer: TransactionalProducer | null = null;
  let clockProducer: EventProducer | null = null;
  let active: Active | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let consumer: RunningConsumer | null = null;
  let stopping = false;

  const stopTicking = () => {
    if (ticker) clearInterval(ticker);
    ticker = null;
  };

  const tick = async () => {
    try {
      clockProducer ??= await kafka.producer();
      await clockProducer.send(topics.clock, [await codec.encode({ type: 'EvaluatorTicked', eventId: randomUUID(), at: deps.now() })]);
    } catch (err) {
      elog.warn({ err: { message: (err as Error).message } }, 'could not write the evaluator clock; alerts that wait on time are late');
    }
  };

  // Activation reads the committed offsets; a batch still committing at that moment would be
  // missed and its transitions written again. One thing at a time.
  let turn: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = turn.then(fn, fn);
    turn = run.catch(() => undefined);
    return run;
  };

  const activate = async (assignment: Record<string, number[]>) => {
    active = null;
    // Creating the transactional producer fences any older owner: from here on only we commit.
    producer ??= await kafka.transactionalProducer(groupId);
    const snapshot = await loadSnapshot(db);
    const committed = await kafka.committedOffsets(groupId, inputs);
    // The group's very first start: what is on the topics already is history. Later, a
    // partition without a commit simply had nothing yet, and everything on it is news.
    const firstStart = committed.every((o) => o.offset === null);
    const replayUntil = new Map<string, bigint>();
    const position = new Map<string, bigint>();
    // History read on the first start is committed with the next commit: otherwise a partition
    // with nothing new after it would stay uncommitted, and an owner starting without a
    // snapshot would take that history for news (and the group would look behind forever).
    const uncommitted = new Map<string, bigint>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      const highs = await kafka.partitionOffsets(topic);
      for (const partition of partitions) {
        const key = offsetKey(topic, partition);
        const c = committed.find((o) => o.topic === topic && o.partition === partition)?.offset ?? null;
        replayUntil.set(key, c ?? (firstStart ? highs.find((h) => h.partition === partition)?.high ?? 0n : 0n));
        if (firstStart && replayUntil.get(key)! > 0n) uncommitted.set(key, replayUntil.get(key)!);
        const from = snapshot.offsets.get(key) ?? 0n;
        position.set(key, from);
        consumer?.seek(topic, partition, from);
      }
    }
    active = { state: snapshot.entries.length ? restoreState(snapshot.entries) : emptyState(), replayUntil, position, unsaved: new Map(), rewoundTo: new Map(), uncommitted, lastCommitAt: Date.now(), lastSnapshotAt: 0 };
    stopTicking();
    ticker = setInterval(() => void tick(), deps.tickSeconds * 1000);
    elog.info({ partitions: Object.values(assignment).reduce((n, ps) => n + ps.length, 0), snapshotEntries: snapshot.entries.length }, 'alert evaluator active');
  };

  const snapshotIfDue = async (a: Active, force = false) => {
    if (!force && Date.now() - a.lastSnapshotAt < SNAPSHOT_EVERY_MS) return;
    a.lastSnapshotAt = Date.now();
    for (const c of takeChanges(a.state)) a.unsaved.set(c.key, c.value);
    try {
      await saveSnapshot(db, [...a.unsaved].map(([key, value]) => ({ key, value })), new Map(a.position));
      a.unsaved.clear();
    } catch (err) {
      // Not fatal: the log is the truth and the changes stay queued for the next save.
      elog.warn({ err: { message: (err as Error).message } }, 'evaluator snapshot not saved; will retry');
    }
  };

  let rebuildTimer: NodeJS.Timeout | null = null;
  /** After a failed transaction our memory is ahead of Kafka: throw it away and rebuild. */
  const rebuild = (reason: string, err: unknown) => {
    elog.error({ reason, err: { message: (err as Error)?.message } }, 'alert evaluator rebuilding from the log');
    active = null;
    stopTicking();
    rebuildTimer = setTimeout(() => void restart(), 1_000);
  };

  const handleBatch = async (batch: IncomingBatch, control: BatchControl) => {
    const a = active;
    if (!a || !batch.records.length || !producer) return;
    const key = offsetKey(batch.topic, batch.partition);
    const first = batch.records[0]!;
    const expected = a.position.get(key) ?? 0n;
    if (first.offset > expected && a.rewoundTo.get(key) !== expected) {
      // The fetch ran ahead of our state (a seek not yet applied): go back, once. A later
      // start after that is a gap with no records (transaction markers), not a loss.
      a.rewoundTo.set(key, expected);
      control.seek(batch.topic, batch.partition, expected);
      return;
    }
    const replayUntil = a.replayUntil.get(key) ?? 0n;
    // A stable mark of "a batch is in flight" (evaluated, its transaction not yet committed):
    // the kill tests wait for it so they crash the evaluator at that moment, not at random.
    elog.debug({ topic: batch.topic, partition: batch.partition, firstOffset: String(first.offset), lastOffset: String(batch.records.at(-1)!.offset) }, 'alert evaluator batch evaluating');
    const out: OutgoingRecord[] = [];
    const dead: OutgoingRecord[] = [];
    let last = expected - 1n;
    for (const record of batch.records) {
      if (record.offset < expected) continue;
      last = record.offset;
      let input;
      try {
        input = evaluatorInputOf(await codec.decode(record), parseRule);
      } catch (err) {
        if (!(err instanceof UndecodableRecord) && !(err instanceof InvalidConfigEvent) && !isValidationError(err)) throw err;
        if (record.offset >= replayUntil) dead.push(deadLetterRecord(record, 'alert-evaluator', (err as Error).message.slice(0, 500)));
        continue;
      }
      if (!input) continue;
      const transitions = evaluate(a.state, capInputTime(input, record.timestamp), settings);
      if (record.offset < replayUntil) continue; // committed before: re-derived, not re-sent
      for (const t of transitions) out.push(await codec.encode(transitionEvent(t)));
    }
    if (last < expected) return;
    if (last + 1n > replayUntil) a.uncommitted.set(key, last + 1n);
    // A batch that wrote nothing need not commit at once: after a crash it is evaluated again
    // from the same state and writes nothing again. So offsets ride along with the next batch
    // that has something to write, or go in once a second — not one transaction per batch.
    if (out.length || dead.length || (a.uncommitted.size && Date.now() - a.lastCommitAt >= COMMIT_EVERY_MS)) {
      const offsets = [...a.uncommitted].map(([k, offset]) => ({ ...splitOffsetKey(k), offset }));
      try {
        await commitWithRetry(producer, [{ topic: topics.alerts, records: out }, { topic: topics.dlq(batch.topic), records: dead }], { groupId, offsets });
      } catch (err) {
        rebuild('transaction failed', err);
        return;
      }
      a.uncommitted.clear();
      a.lastCommitAt = Date.now();
      if (out.length) elog.info({ transitions: out.length }, 'alert transitions committed');
    }
    a.position.set(key, last + 1n);
    await snapshotIfDue(a);
    await control.heartbeat();
  };

  const start = async () => {
    consumer = await kafka.consume({
      groupId,
      topics: inputs,
      singleActive: true,
      partitionsConcurrently: 1,
      onAssigned: (assignment) => oneAtATime(async () => {
        const mine = Object.values(assignment).some((ps) => ps.length > 0);
        if (mine) await activate(assignment);
        else {
          active = null;
          stopTicking();
          elog.info('alert evaluator on standby');
        }
      }),
      eachBatch: (batch, control) => oneAtATime(() => handleBatch(batch, control)),
    });
  };

  // A restart in flight when stop() is called must not leave a consumer behind: a forgotten
  // group member would hold every partition (single active) and process nothing.
  let restarting: Promise<void> | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  const restart = () => {
    restarting ??= (async () => {
      if (stopping) return;
      const old = consumer;
      consumer = null;
      await old?.stop().catch(() => undefined);
      await producer?.close().catch(() => undefined);
      producer = null;
      if (stopping) return;
      try {
        await start();
      } catch (err) {
        elog.error({ err: { message: (err as Error).message } }, 'alert evaluator restart failed; trying again');
        retryTimer = setTimeout(() => void restart(), 2_000);
      }
    })().finally(() => {
      restarting = null;
    });
    return restarting;
  };

  await start();
  return {
    seek: (topic, partition, offset) => consumer?.seek(topic, partition, offset),
    async stop() {
      stopping = true;
      stopTicking();
      if (rebuildTimer) clearTimeout(rebuildTimer);
      if (retryTimer) clearTimeout(retryTimer);
      await restarting;
      const a = active;
      active = null;
      await consumer?.stop();
      if (a) await snapshotIfDue(a, true).catch(() => undefined);
      await producer?.close().catch(() => undefined);
      await clockProducer?.close().catch(() => undefined);
    },
  };
}

/**
 * The broker answers CONCURRENT_TRANSACTIONS while it is still writing the previous
 * transaction's markers: an attempt aborted before its commit wrote nothing, so it is retried.
 * A failure of the commit itself is ambiguous and goes to `rebuild` instead, which reads the
 * committed offsets after fencing and so knows whether the batch went in.
 */
async function commitWithRetry(producer: TransactionalProducer, ...args: Parameters<TransactionalProducer['commit']>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await producer.commit(...args);
    } catch (err) {
      const e = err as { type?: string; retriable?: boolean; transactionPhase?: string };
      // A failed commit may still have committed: retrying would write it twice.
      if (attempt >= 8 || e.transactionPhase === 'commit' || !(e.type === 'CONCURRENT_TRANSACTIONS' || e.retriable)) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

function isValidationError(err: unknown): boolean {
  return (err as { name?: string })?.name === 'ZodError';
}
