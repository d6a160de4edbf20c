// KafkaJS has no linger setting: collect records for a few milliseconds and send them as
// one request, so thousands of checks per second cost tens of produce calls, not thousands.
import type { EventProducer, OutgoingRecord } from '../platform/kafka.js';

export interface BatchPublisher {
  publish(record: OutgoingRecord): Promise<void>;
  flush(): Promise<void>;
}

export function createBatchPublisher(producer: EventProducer, topic: string, opts = { lingerMs: 5, maxBatch: 500 }): BatchPublisher {
  let pending: { record: OutgoingRecord; done: (err?: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (!batch.length) return;
    try {
      await producer.send(topic, batch.map((p) => p.record));
      batch.forEach((p) => p.done());
    } catch (err) {
      batch.forEach((p) => p.done(err));
    }
  };

  return {
    publish(record) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ record, done: (err) => (err ? reject(err) : resolve()) });
        if (pending.length >= opts.maxBatch) void flush();
        else timer ??= setTimeout(() => void flush(), opts.lingerMs);
      });
    },
    flush,
  };
}
