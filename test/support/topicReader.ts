// Reads a whole topic the way a downstream service would: a plain KafkaJS consumer and the
// registry client, independent of Pulse's own consumer runtime.
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Config } from '../../platform/config.js';

export interface RawRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Every record currently on the topic (up to each partition's high watermark). */
export async function readTopic(config: Config, topic: string): Promise<RawRecord[]> {
  const kafka = new Kafka({ brokers: config.kafka.brokers, clientId: 'test-reader', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  const out: RawRecord[] = [];
  if (!remaining.size) return out;
  const consumer = kafka.consumer({ groupId: `test-reader-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    // A transactional topic ends with commit markers, which are never delivered as messages:
    // a batch's last offset (markers included) says when a partition has been read through.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      const high = remaining.get(payload.partition);
      if (high !== undefined && BigInt(payload.lastOffset) + 1n >= high) remaining.delete(payload.partition);
      if (!remaining.size) resolve();
    });
    consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        out.push({
          partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
        const high = remaining.get(partition);
        if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(partition);
        if (!remaining.size) resolve();
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  return out;
}

export async function decodeAll(config: Config, records: RawRecord[]): Promise<any[]> {
  const registry = new SchemaRegistry({ host: config.schemaRegistryUrl });
  return Promise.all(records.map((r) => registry.decode(r.value as Buffer)));
}
