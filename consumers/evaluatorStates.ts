// The alert evaluator's life as data: a pure transition `(life, event, now) → {life, effects}`
// and the commit policy. The runtime (consumers/alertEvaluator.ts) feeds it what happened
// (assigned, a batch, a commit failed, stop…) and carries out the effects it returns (seek,
// evaluate, commit, save a snapshot, restart…). Every race the runtime once had is a case here:
//
//   standby ──assigned(n>0)──▶ activating ──activated──▶ active ──commitFailed──▶ rebuilding
//      ▲  ◀──assigned(0)────────────┴──────────────────────┘                        │
//      └────────────────────────────── restartDue (rejoin the group) ◀──────────────┘
//   any ──stopRequested──▶ stopping ──consumerStopped──▶ stopped
//
// `stopping` exists because a batch already in flight when stop() is called finishes (its
// transaction may commit), and the final snapshot must include it, or leave it out entirely.
// When to rejoin is the shared restart policy's call (platform/kafka/restartPolicy.ts).
// No I/O here: the clock is passed in.
import { whenToRestart } from '../platform/kafka/restartPolicy.js';

/** Snapshots are an optimisation: at most one every this long. */
export const SNAPSHOT_EVERY_MS = 2_000;
/** Offsets of batches that wrote nothing are committed at least this often. */
export const COMMIT_EVERY_MS = 1_000;

type Offsets = ReadonlyMap<string, bigint>;

/** Where the active member stands on each input partition (`${topic}:${partition}` keys). */
export interface Progress {
  /** Inputs before these offsets were already evaluated and committed: re-evaluate silently. */
  replayUntil: Offsets;
  /** Next offset to read per partition, as reflected by the memory. */
  position: Offsets;
  /** Where a fetch that ran ahead was sent back to (once per position). */
  rewoundTo: Offsets;
  /** Offsets read past but not yet committed (batches that wrote nothing). */
  uncommitted: Offsets;
  lastCommitAt: number;
  lastSnapshotAt: number;
}

/** `M` is the evaluator's memory (core state and unsaved snapshot changes): opaque here. */
export type Life<M> =
  /** `rejoin`: the restart attempt under way, if this standby is a rebuild rejoining the group. */
  | { phase: 'standby'; rejoin?: number }
  | { phase: 'activating' }
  | { phase: 'active'; progress: Progress; memory: M }
  /** `attempt`: the restart the pending timer will make (1 for the first after the failure). */
  | { phase: 'rebuilding'; attempt: number }
  /** With progress while an in-flight batch may still commit; without once it cannot be trusted. */
  | { phase: 'stopping'; progress?: Progress; memory?: M }
  | { phase: 'stopped' };

export type Phase = Life<unknown>['phase'];

export interface ActivationPlan {
  replayUntil: Offsets;
  position: Offsets;
  uncommitted: Offsets;
}

export type LifeEvent<M> =
  /** The group gave us this many partitions (0: another member is active). */
  | { type: 'assigned'; partitions: number }
  | { type: 'activated'; plan: ActivationPlan; memory: M }
  | { type: 'activationFailed' }
  | { type: 'batch'; key: string; firstOffset: bigint }
  /** A batch was evaluated up to `last`; `wrote` if it has transitions or dead letters to send. */
  | { type: 'evaluated'; key: string; last: bigint; wrote: boolean }
  | { type: 'committed'; key: string; last: bigint }
  | { type: 'commitFailed' }
  | { type: 'restartDue' }
  | { type: 'restartFailed' }
  | { type: 'stopRequested' }
  | { type: 'consumerStopped' };

export type Effect<M> =
  /** Load the snapshot and offsets, then report `activated` (or `activationFailed`). */
  | { kind: 'activate' }
  | { kind: 'seek'; key: string; offset: bigint }
  | { kind: 'startTicking' }
  | { kind: 'stopTicking' }
  | { kind: 'announce'; what: 'active' | 'standby' }
  /** Evaluate the batch's records from `from`, emitting only those at or after `emitFrom`. */
  | { kind: 'evaluate'; key: string; from: bigint; emitFrom: bigint; memory: M }
  /** One Kafka transaction: the batch's output plus these offsets; report `committed` or `commitFailed`. */
  | { kind: 'commit'; key: string; last: bigint; offsets: [string, bigint][] }
  | { kind: 'saveSnapshot'; memory: M; position: Offsets }
  | { kind: 'heartbeat' }
  | { kind: 'scheduleRestart'; afterMs: number }
  /** Leave the group, close the transactional producer, join again; report `restartFailed` on failure. */
  | { kind: 'restart' }
  | { kind: 'cancelRestart' }
  | { kind: 'stopConsumer' }
  | { kind: 'closeProducers' };

export interface Step<M> {
  life: Life<M>;
  effects: Effect<M>[];
}

export const initialLife: Life<never> = { phase: 'standby' };

/** Commit policy: a batch with output commits at once; silent progress at least every COMMIT_EVERY_MS. */
export function commitDue(wrote: boolean, uncommitted: number, lastCommitAt: number, now: number): boolean {
  return wrote || (uncommitted > 0 && now - lastCommitAt >= COMMIT_EVERY_MS);
}

/** Snapshot policy: at most one every SNAPSHOT_EVERY_MS (a final one on stop regardless). */
export function snapshotDue(lastSnapshotAt: number, now: number): boolean {
  return now - lastSnapshotAt >= SNAPSHOT_EVERY_MS;
}

/**
 * Where to start on activation. `committed` holds the group's committed offset per partition
 * (null: none), `high` the end of each partition, `snapshot` the offsets the snapshot reflects.
 */
export function planActivation(
  assignment: Record<string, number[]>,
  committed: { topic: string; partition: number; offset: bigint | null }[],
  high: (key: string) => bigint,
  snapshot: Offsets,
  keyOf: (topic: string, partition: number) => string,
): ActivationPlan {
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
    for (const partition of partitions) {
      const key = keyOf(topic, partition);
      const c = committed.find((o) => o.topic === topic && o.partition === partition)?.offset ?? null;
      const until = c ?? (firstStart ? high(key) : 0n);
      replayUntil.set(key, until);
      if (firstStart && until > 0n) uncommitted.set(key, until);
      position.set(key, snapshot.get(key) ?? 0n);
    }
  }
  return { replayUntil, position, uncommitted };
}

const stay = <M>(life: Life<M>): Step<M> => ({ life, effects: [] });

const with_ = (m: Offsets, key: string, value: bigint) => new Map(m).set(key, value);

export function transition<M>(life: Life<M>, event: LifeEvent<M>, now: number): Step<M> {
  if (life.phase === 'stopped') {
    // An activation that outlived stop() may have opened a producer after they were closed.
    return event.type === 'activated' || event.type === 'activationFailed' ? { life, effects: [{ kind: 'closeProducers' }] } : stay(life);
  }
  if (event.type === 'stopRequested') {
    if (life.phase === 'stopping') return stay(life);
    // A batch in flight keeps the progress it started from; stopConsumer waits for it.
    const next: Life<M> = life.phase === 'active' ? { phase: 'stopping', progress: life.progress, memory: life.memory } : { phase: 'stopping' };
    return { life: next, effects: [{ kind: 'stopTicking' }, { kind: 'cancelRestart' }, { kind: 'stopConsumer' }] };
  }
  if (life.phase === 'stopping') return whileStopping(life, event, now);

  switch (event.type) {
    case 'assigned':
      // A rebuild rejoins the group anyway; an assignment that races it is not acted on.
      if (life.phase === 'rebuilding') return stay(life);
      if (event.partitions > 0) return { life: { phase: 'activating' }, effects: [{ kind: 'activate' }] };
      return { life: { phase: 'standby' }, effects: [{ kind: 'stopTicking' }, { kind: 'announce', what: 'standby' }] };
    case 'activated': {
      if (life.phase !== 'activating') return stay(life);
      const { plan, memory } = event;
      const progress: Progress = { ...plan, rewoundTo: new Map(), lastCommitAt: now, lastSnapshotAt: 0 };
      const seeks = [...plan.position].map(([key, offset]): Effect<M> => ({ kind: 'seek', key, offset }));
      return { life: { phase: 'active', progress, memory }, effects: [...seeks, { kind: 'stopTicking' }, { kind: 'startTicking' }, { kind: 'announce', what: 'active' }] };
    }
    case 'activationFailed':
      return life.phase === 'activating' ? stay<M>({ phase: 'standby' }) : stay(life);
    case 'batch':
    case 'evaluated':
    case 'committed':
    case 'commitFailed':
      return life.phase === 'active' ? onBatch(life, event, now, (progress) => ({ phase: 'active', progress, memory: life.memory })) : stay(life);
    case 'restartDue':
      // Back to standby before joining: the new member's assignment must activate it.
      return life.phase === 'rebuilding' ? { life: { phase: 'standby', rejoin: life.attempt }, effects: [{ kind: 'restart' }] } : stay(life);
    case 'restartFailed':
      return rebuild<M>(life.phase === 'standby' && life.rejoin ? life.rejoin + 1 : 2, []);
    case 'consumerStopped':
      return stay(life);
  }
}

function whileStopping<M>(life: Extract<Life<M>, { phase: 'stopping' }>, event: LifeEvent<M>, now: number): Step<M> {
  switch (event.type) {
    case 'consumerStopped': {
      // The final snapshot, whatever the policy says: the next owner starts from it.
      const save: Effect<M>[] = life.progress && life.memory !== undefined ? [{ kind: 'saveSnapshot', memory: life.memory, position: life.progress.position }] : [];
      return { life: { phase: 'stopped' }, effects: [...save, { kind: 'closeProducers' }] };
    }
    // The batch that was in flight at stop() may finish (and commit); no new one starts.
    case 'evaluated':
    case 'committed': {
      if (!life.progress) return stay(life);
      const memory = life.memory as M;
      return onBatch<M>({ phase: 'active', progress: life.progress, memory }, event, now, (progress) => ({ phase: 'stopping', progress, memory }));
    }
    case 'commitFailed':
      // Memory is now ahead of Kafka: a snapshot of it would claim a batch that never went in.
      return stay<M>({ phase: 'stopping' });
    default:
      // Activation finishing after stop() must not start a ticker or take partitions.
      return stay(life);
  }
}

function onBatch<M>(
  life: Extract<Life<M>, { phase: 'active' }>,
  event: Extract<LifeEvent<M>, { type: 'batch' | 'evaluated' | 'committed' | 'commitFailed' }>,
  now: number,
  next: (progress: Progress) => Life<M>,
): Step<M> {
  const p = life.progress;
  switch (event.type) {
    case 'batch': {
      const expected = p.position.get(event.key) ?? 0n;
      if (event.firstOffset > expected && p.rewoundTo.get(event.key) !== expected) {
        // The fetch ran ahead of our state (a seek not yet applied): go back, once. A later
        // start after that is a gap with no records (transaction markers), not a loss.
        return { life: next({ ...p, rewoundTo: with_(p.rewoundTo, event.key, expected) }), effects: [{ kind: 'seek', key: event.key, offset: expected }] };
      }
      return { life, effects: [{ kind: 'evaluate', key: event.key, from: expected, emitFrom: p.replayUntil.get(event.key) ?? 0n, memory: life.memory }] };
    }
    case 'evaluated': {
      const replayUntil = p.replayUntil.get(event.key) ?? 0n;
      const uncommitted = event.last + 1n > replayUntil ? with_(p.uncommitted, event.key, event.last + 1n) : p.uncommitted;
      // A batch that wrote nothing need not commit at once: after a crash it is evaluated again
      // from the same state and writes nothing again. So offsets ride along with the next batch
      // that has something to write, or go in once a second — not one transaction per batch.
      if (commitDue(event.wrote, uncommitted.size, p.lastCommitAt, now)) {
        return { life: next({ ...p, uncommitted }), effects: [{ kind: 'commit', key: event.key, last: event.last, offsets: [...uncommitted] }] };
      }
      return advance(life, next, { ...p, uncommitted }, event.key, event.last, now);
    }
    case 'committed':
      return advance(life, next, { ...p, uncommitted: new Map(), lastCommitAt: now }, event.key, event.last, now);
    case 'commitFailed':
      // After a failed transaction our memory is ahead of Kafka: throw it away and rebuild.
      return rebuild<M>(1, [{ kind: 'stopTicking' }]);
  }
}

function advance<M>(life: Extract<Life<M>, { phase: 'active' }>, next: (p: Progress) => Life<M>, p: Progress, key: string, last: bigint, now: number): Step<M> {
  const position = with_(p.position, key, last + 1n);
  if (!snapshotDue(p.lastSnapshotAt, now)) return { life: next({ ...p, position }), effects: [{ kind: 'heartbeat' }] };
  return {
    life: next({ ...p, position, lastSnapshotAt: now }),
    effects: [{ kind: 'saveSnapshot', memory: life.memory, position }, { kind: 'heartbeat' }],
  };
}

/** Rebuilding from the log: rejoin the group when the restart policy says. */
function rebuild<M>(attempt: number, before: Effect<M>[]): Step<M> {
  const decision = whenToRestart({ cause: 'rebuild', attempt, stopping: false });
  const after: Effect<M>[] = decision.restart ? [{ kind: 'scheduleRestart', afterMs: decision.afterMs }] : [];
  return { life: { phase: 'rebuilding', attempt }, effects: [...before, ...after] };
}
