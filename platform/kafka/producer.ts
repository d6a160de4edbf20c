// Producers: the idempotent one every role sends events with (acks=all, patience by caller),
// the transactional one the alert evaluator commits records and offsets with, and the
// partitioner that says where a key goes.
import kafkajs, { type Kafka, type Producer } from 'kafkajs';
import { DependencyUnavailable } from '../unavailable.js';
import type { EventProducer, KafkaClient, OutgoingRecord, TransactionalProducer } from '../kafka.js';
import type { Closable } from './cluster.js';

// Not a named export under Node's ESM loader (kafkajs is CommonJS).
const { Partitioners } = kafkajs;

export type KafkaProducers = Pick<KafkaClient, 'producer' | 'transactionalProducer' | 'partitioner'>;

export function kafkaProducers(kafka: Kafka, deps: { partitionOffsets: KafkaClient['partitionOffsets']; open: Set<Closable> }): KafkaProducers {
  const { open } = deps;
  const connected = async (settings: Parameters<Kafka['producer']>[0]): Promise<Producer> => {
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, ...settings });
    await p.connect();
    return p;
  };
  const tracked = <H extends object>(p: Producer, handle: H): H & Closable => {
    const h: H & Closable = Object.assign(handle, {
      async close() {
        open.delete(h);
        await p.disconnect();
      },
    });
    open.add(h);
    return h;
  };

  return {
    async producer(opts = {}) {
      // ~6 s of retries: long enough to ride out a leader election, short enough to answer.
      const p = await connected(opts.patience === 'request' ? { retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 3_000 } } : {});
      return tracked<Pick<EventProducer, 'send'>>(p, {
        async send(topic, records) {
          if (!records.length) return;
          try {
            await p.send({ topic, acks: -1, messages: records.map(message) });
          } catch (err) {
            throw new DependencyUnavailable('kafka', err);
          }
        },
      });
    },

    async transactionalProducer(transactionalId) {
      const p = await connected({ transactionalId });
      return tracked<Pick<TransactionalProducer, 'commit'>>(p, {
        async commit(sends, offsets) {
          const txn = await p.transaction();
          try {
            for (const { topic, records } of sends) {
              if (records.length) await txn.send({ topic, acks: -1, messages: records.map(({ key, value, headers }) => ({ key, value, headers })) });
            }
            if (offsets && offsets.offsets.length) {
              const byTopic = new Map<string, { partition: number; offset: string }[]>();
              for (const o of offsets.offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: o.offset.toString() }]);
              await txn.sendOffsets({ consumerGroupId: offsets.groupId, topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) });
            }
          } catch (err) {
            // Nothing was committed: the caller may simply try again.
            await txn.abort().catch(() => undefined);
            throw Object.assign(err as object, { transactionPhase: 'before-commit' });
          }
          try {
            await txn.commit();
          } catch (err) {
            // The outcome is unknown (the broker may have committed): only a new producer,
            // which completes or aborts this transaction, can tell.
            throw Object.assign(err as object, { transactionPhase: 'commit' });
          }
        },
      });
    },

    async partitioner(topic) {
      const count = (await deps.partitionOffsets(topic)).length;
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
      const choose = Partitioners.DefaultPartitioner();
      return (key) => choose({ topic, partitionMetadata, message: { key, value: null } });
    },
  };
}

function message(r: OutgoingRecord) {
  return { key: r.key, value: r.value, headers: r.headers, ...(r.partition !== undefined ? { partition: r.partition } : {}) };
}
