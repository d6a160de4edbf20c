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
//
// When to do what (activate, evaluate, commit, snapshot, rebuild, stop) is decided by the pure
// state machine in consumers/evaluatorStates.ts; this file only carries out its effects.
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
import { initialLife, planActivation, transition, type Effect, type Life, type LifeEvent } from './evaluatorStates.js';
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

/** What the active member remembers: the core's state and changes not yet in the snapshot. */
interface Memory {
  state: EvaluatorState;
  /** Kept across a failed save. */
  unsaved: Map<string, unknown | null>;
}

/** What an effect may need from the moment that caused it. */
interface Moment {
  assignment?: Record<string, number[]>;
  snapshotEntries?: number;
  batch?: IncomingBatch;
  control?: BatchControl;
  out?: OutgoingRecord[];
  dead?: OutgoingRecord[];
}

export async function runAlertEvaluator(deps: AlertEvaluatorDeps): Promise<RunningConsumer> {
  const { db, kafka, codec, topics, log, settings } = deps;
  const groupId = topics.group('pulse-alert-evaluator');
  const inputs = [topics.clock, topics.config, topics.lifecycle, topics.checks, topics.alerts];
  const elog = log.child({ component: 'alert-evaluator' });
  const parseRule = (raw: unknown) => alertRuleSchema.parse(raw) as AlertRule;

  let life: Life<Memory> = initialLife;
  let producer: TransactionalProducer | null = null;
  let clockProducer: EventProducer | null = null;
  let consumer: RunningConsumer | null = null;
  let ticker: NodeJS.Timeout | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  // A restart in flight when stop() is called must not leave a consumer behind: a forgotten
  // group member would hold every partition (single active) and process nothing.
  let restarting: Promise<void> | null = null;
  const stopping = () => life.phase === 'stopping' || life.phase === 'stopped';

  /** Feeds one event to the state machine and carries out what it decides, in order. */
  const feed = async (event: LifeEvent<Memory>, moment: Moment = {}): Promise<void> => {
    const step = transition(life, event, Date.now());
    life = step.life;
    for (const effect of step.effects) await perform(effect, moment);
  };

  const perform = async (effect: Effect<Memory>, moment: Moment): Promise<void> => {
    switch (effect.kind) {
      case 'activate': return activate(moment.assignment ?? {});
      case 'seek': {
        const { topic, partition } = splitOffsetKey(effect.key);
        return void (moment.control ?? consumer)?.seek(topic, partition, effect.offset);
      }
      case 'startTicking':
        ticker = setInterval(() => void tick(), deps.tickSeconds * 1000);
        return;
      case 'stopTicking':
        if (ticker) clearInterval(ticker);
        ticker = null;
        return;
      case 'announce':
        if (effect.what === 'standby') return void elog.info('alert evaluator on standby');
        return void elog.info({ partitions: Object.values(moment.assignment ?? {}).reduce((n, ps) => n + ps.length, 0), snapshotEntries: moment.snapshotEntries }, 'alert evaluator active');
      case 'evaluate': return evaluateBatch(effect, moment);
      case 'commit': return commit(effect, moment);
      case 'saveSnapshot': return saveMemory(effect.memory, effect.position);
      case 'heartbeat': return moment.control?.heartbeat();
      case 'scheduleRestart':
        restartTimer = setTimeout(() => void feed({ type: 'restartDue' }), effect.afterMs);
        return;
      case 'restart': return restart();
      case 'cancelRestart':
        if (restartTimer) clearTimeout(restartTimer);
        await restarting;
        return;
      case 'stopConsumer':
        await consumer?.stop();
        return feed({ type: 'consumerStopped' });
      case 'closeProducers':
        await producer?.close().catch(() => undefined);
        producer = null;
        await clockProducer?.close().catch(() => undefined);
        clockProducer = null;
        return;
    }
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
    let event: LifeEvent<Memory>;
    let snapshotEntries: number;
    try {
      // KafkaJS registers the transactional id (fencing any older owner) with the producer's
      // first transaction, not here on connect: see docs/alerting.md "Kafka transactions".
      producer ??= await kafka.transactionalProducer(groupId);
      const snapshot = await loadSnapshot(db);
      const committed = await kafka.committedOffsets(groupId, inputs);
      const highs = new Map<string, bigint>();
      for (const topic of Object.keys(assignment)) {
        for (const h of await kafka.partitionOffsets(topic)) highs.set(offsetKey(topic, h.partition), h.high);
      }
      const plan = planActivation(assignment, committed, (key) => highs.get(key) ?? 0n, snapshot.offsets, offsetKey);
      event = { type: 'activated', plan, memory: { state: snapshot.entries.length ? restoreState(snapshot.entries) : emptyState(), unsaved: new Map() } };
      snapshotEntries = snapshot.entries.length;
    } catch (err) {
      await feed({ type: 'activationFailed' });
      throw err;
    }
    await feed(event, { assignment, snapshotEntries });
  };

  const saveMemory = async (memory: Memory, position: ReadonlyMap<string, bigint>) => {
    for (const c of takeChanges(memory.state)) memory.unsaved.set(c.key, c.value);
    try {
      await saveSnapshot(db, [...memory.unsaved].map(([key, value]) => ({ key, value })), new Map(position));
      memory.unsaved.clear();
    } catch (err) {
      // Not fatal: the log is the truth and the changes stay queued for the next save.
      elog.warn({ err: { message: (err as Error).message } }, 'evaluator snapshot not saved; will retry');
    }
  };

  const evaluateBatch = async ({ key, from, emitFrom, memory }: Extract<Effect<Memory>, { kind: 'evaluate' }>, moment: Moment) => {
    const batch = moment.batch!;
    // A stable mark of "a batch is in flight" (evaluated, its transaction not yet committed):
    // the kill tests wait for it so they crash the evaluator at that moment, not at random.
    elog.debug({ topic: batch.topic, partition: batch.partition, firstOffset: String(batch.records[0]!.offset), lastOffset: String(batch.records.at(-1)!.offset) }, 'alert evaluator batch evaluating');
    const out: OutgoingRecord[] = [];
    const dead: OutgoingRecord[] = [];
    let last = from - 1n;
    for (const record of batch.records) {
      if (record.offset < from) continue;
      last = record.offset;
      let input;
      try {
        input = evaluatorInputOf(await codec.decode(record), parseRule);
      } catch (err) {
        if (!(err instanceof UndecodableRecord) && !(err instanceof InvalidConfigEvent) && !isValidationError(err)) throw err;
        if (record.offset >= emitFrom) dead.push(deadLetterRecord(record, 'alert-evaluator', (err as Error).message.slice(0, 500)));
        continue;
      }
      if (!input) continue;
      const transitions = evaluate(memory.state, capInputTime(input, record.timestamp), settings);
      if (record.offset < emitFrom) continue; // committed before: re-derived, not re-sent
      for (const t of transitions) out.push(await codec.encode(transitionEvent(t)));
    }
    if (last < from) return;
    await feed({ type: 'evaluated', key, last, wrote: out.length > 0 || dead.length > 0 }, { ...moment, out, dead });
  };

  const commit = async ({ key, last, offsets }: Extract<Effect<Memory>, { kind: 'commit' }>, moment: Moment) => {
    const out = moment.out ?? [];
    try {
      await commitWithRetry(producer!, [{ topic: topics.alerts, records: out }, { topic: topics.dlq(moment.batch!.topic), records: moment.dead ?? [] }],
        { groupId, offsets: offsets.map(([k, offset]) => ({ ...splitOffsetKey(k), offset })) });
    } catch (err) {
      elog.error({ reason: 'transaction failed', err: { message: (err as Error)?.message } }, 'alert evaluator rebuilding from the log');
      return feed({ type: 'commitFailed' }, moment);
    }
    if (out.length) elog.info({ transitions: out.length }, 'alert transitions committed');
    return feed({ type: 'committed', key, last }, moment);
  };

  const start = async () => {
    consumer = await kafka.consume({
      groupId,
      topics: inputs,
      singleActive: true,
      partitionsConcurrently: 1,
      onAssigned: (assignment) => oneAtATime(() => feed({ type: 'assigned', partitions: Object.values(assignment).reduce((n, ps) => n + ps.length, 0) }, { assignment })),
      eachBatch: (batch, control) => oneAtATime(async () => {
        if (!batch.records.length) return;
        await feed({ type: 'batch', key: offsetKey(batch.topic, batch.partition), firstOffset: batch.records[0]!.offset }, { batch, control });
      }),
    });
  };

  /** Rejoins the group with a new transactional producer, so the state is rebuilt from the log. */
  const restart = () => {
    restarting ??= (async () => {
      const old = consumer;
      consumer = null;
      await old?.stop().catch(() => undefined);
      await producer?.close().catch(() => undefined);
      producer = null;
      if (stopping()) return;
      try {
        await start();
      } catch (err) {
        elog.error({ err: { message: (err as Error).message } }, 'alert evaluator restart failed; trying again');
        await feed({ type: 'restartFailed' });
      }
    })().finally(() => {
      restarting = null;
    });
    return restarting;
  };

  await start();
  let stopped: Promise<void> | null = null;
  return {
    seek: (topic, partition, offset) => consumer?.seek(topic, partition, offset),
    stop: () => (stopped ??= feed({ type: 'stopRequested' })),
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
