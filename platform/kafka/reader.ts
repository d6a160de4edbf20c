// Reads a bounded range of one partition, for small admin reads such as dead letters.
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { IncomingRecord, KafkaClient } from '../kafka.js';
import type { Closable } from './cluster.js';
import { incomingRecord } from './records.js';

export type RangeReader = KafkaClient['readRange'];

export function rangeReader(kafka: Kafka, deps: { topicPrefix: string; partitionOffsets: KafkaClient['partitionOffsets']; open: Set<Closable> }): RangeReader {
  return async (topic, partition, fromOffset, toOffsetExclusive) => {
    const offsets = await deps.partitionOffsets(topic);
    const held = offsets.find((o) => o.partition === partition);
    if (!held) throw new Error(`topic ${topic} has no partition ${partition}`);
    const from = fromOffset > held.low ? fromOffset : held.low;
    const to = toOffsetExclusive < held.high ? toOffsetExclusive : held.high;
    if (from >= to) return [];

    // KafkaJS has no manual assignment, so a throwaway group of one member gets every
    // partition; we seek ours, pause the others and never commit (an empty group with no
    // offsets is dropped by the broker).
    const consumer = kafka.consumer({
      groupId: `${deps.topicPrefix}pulse-reader-${randomUUID()}`,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 100,
    });
    const handle = { close: () => consumer.disconnect() };
    deps.open.add(handle);
    const out: IncomingRecord[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        let done = false;
        const timer = setTimeout(() => reject(new Error(`timed out reading ${topic}[${partition}] ${from}..${to}`)), 30_000);
        const finish = () => {
          done = true;
          clearTimeout(timer);
          resolve();
        };
        // A batch of only transaction markers (or aborted records) never reaches eachBatch, but
        // still moves the position: without this, a range ending in a commit marker never ends.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          if (!done && payload.partition === partition && BigInt(payload.lastOffset) + 1n >= to) finish();
        });
        consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            if (done || batch.partition !== partition) return;
            for (const m of batch.messages) {
              const offset = BigInt(m.offset);
              if (offset >= from && offset < to) out.push(incomingRecord(topic, partition, m));
              if (offset + 1n >= to) return finish();
            }
          },
        }).then(() => {
          consumer.seek({ topic, partition, offset: from.toString() });
          const others = offsets.map((o) => o.partition).filter((p) => p !== partition);
          if (others.length) consumer.pause([{ topic, partitions: others }]);
        }).catch((err) => {
          clearTimeout(timer);
          reject(err);
        });
      });
    } finally {
      deps.open.delete(handle);
      await consumer.disconnect();
    }
    return out;
  };
}
