// When a long-running Kafka role that went down starts again: the one policy for consumers
// KafkaJS gave up on and for roles that threw their state away on purpose (the alert
// evaluator after a failed transaction). Pure, so the timing is under unit test; the caller
// owns the timer and the restart itself.
//
// There is no give-up on attempts or time: a service must come back by itself whenever
// Kafka does, and each attempt already spends KafkaJS's own connection retries (with their
// backoff), so a short pause between attempts cannot become a storm. Only stopping ends it.

export type DownCause =
  /** KafkaJS stopped the consumer for good (e.g. the broker was away longer than its retries). */
  | 'crashed'
  /** The role discarded its state on purpose (Kafka is fine) and rebuilds it from the log. */
  | 'rebuild';

export interface Downtime {
  cause: DownCause;
  /** 1 for the first start after going down, +1 for each start that failed since. */
  attempt: number;
  /** The role is being stopped: a restart now would leave a group member behind. */
  stopping: boolean;
}

export type RestartDecision = { restart: true; afterMs: number } | { restart: false; reason: 'stopping' };

/** A deliberate rebuild is quick; a crash, or a start that failed, means Kafka is in trouble: give it a moment. */
export const REBUILD_PAUSE_MS = 1_000;
export const CRASH_PAUSE_MS = 2_000;

export function whenToRestart({ cause, attempt, stopping }: Downtime): RestartDecision {
  if (stopping) return { restart: false, reason: 'stopping' };
  // After a failed start the cause no longer matters: Kafka itself did not answer.
  if (cause === 'rebuild' && attempt <= 1) return { restart: true, afterMs: REBUILD_PAUSE_MS };
  return { restart: true, afterMs: CRASH_PAUSE_MS };
}
