// What a projection is: the events it reads, and how one batch of them is applied inside
// the projector's transaction. The runtime (consumers/projector.ts) owns offsets, DLQ and
// NOTIFY; a projection only turns events into rows.
import type { Tx } from '../platform/db.js';
import type { PulseEvent } from '../health/events.js';
import type { Topics } from '../platform/topics.js';

export interface Projection<E extends PulseEvent = PulseEvent> {
  /** Stable name: the checkpoint key, the consumer group suffix and the NOTIFY payload tag. */
  name: string;
  /** The tables it owns (and only writes these): what a replay rebuilds and swaps in. */
  tables: string[];
  topic(topics: Topics): string;
  handles(event: PulseEvent): event is E;
  /** Applies the events in order within the caller's transaction; returns the integration ids changed. */
  apply(tx: Tx, events: E[]): Promise<string[]>;
}
