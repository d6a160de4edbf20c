// Signals for alerting tests. alerts.events is written in Kafka transactions, so each of its
// partitions usually ends with a commit marker that no consumer ever "processes": a
// projection's checkpoint stops one short of the topic's end. caughtUp() would look between
// the two with kafka.readRange, which never sees a marker-only range end (KafkaJS hands no
// batch of markers to eachBatch) and times out. So the targets here are the readable records
// themselves: the last one on each partition, plus one.
import type { Runtime } from '../../platform/runtime.js';
import { caughtUp } from './signals.js';
import { readTopic } from './topicReader.js';

/** Resolves once `projection` has applied every record readable on `topic` now (read_committed). */
export async function projectedThrough(rt: Runtime, projection: string, topic: string, timeoutMs?: number): Promise<void> {
  const next = new Map<number, bigint>();
  for (const r of await readTopic(rt.config, topic)) {
    const after = BigInt(r.offset) + 1n;
    if (after > (next.get(r.partition) ?? 0n)) next.set(r.partition, after);
  }
  await caughtUp(rt, { projection }, [...next].map(([partition, offset]) => ({ topic, partition, offset })), timeoutMs);
}
