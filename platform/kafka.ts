// All Kafka access goes through this module (KafkaJS is in maintenance mode; keeping it
// behind a small surface lets us swap the client). Topics are created explicitly, never
// auto-created; producers are idempotent; consumers never auto-commit — each runtime
// decides where its truth about offsets lives.
import { randomUUID } from 'node:crypto';
import kafkajs, { Kafka, logLevel as KafkaLogLevel, type Consumer, type Producer, type IHeaders, type LogEntry } from 'kafkajs';
import type { Config } from './config.js';
import { coPartitionedAssigner } from './coPartitionedAssigner.js';
import { singleActiveAssigner } from './singleActiveAssigner.js';
import type { Logger } from './logger.js';
import { DependencyUnavailable } from './unavailable.js';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  config: Record<string, string>;
}

export interface OutgoingRecord {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
  /** Set only by producers that must know where a record goes (see partitionOf); else by key. */
  partition?: number;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: bigint;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: number;
}

export interface IncomingBatch {
  topic: string;
  partition: number;
  records: IncomingRecord[];
  highWatermark: bigint;
}

export interface KafkaClient {
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** For throwaway topics (benchmarks); never used on live topics. */
  deleteTopics(names: string[]): Promise<void>;
  /**
   * An idempotent producer (acks=all). `patience: 'request'` gives up within seconds, for a
   * caller that is answering someone (the API answers 503); the default keeps retrying for
   * about a minute. A send that fails throws DependencyUnavailable: the records were not acked.
   */
  producer(opts?: { patience?: 'request' | 'background' }): Promise<EventProducer>;
  /** Whether the cluster answers a metadata request within `timeoutMs`. */
  ping(timeoutMs: number): Promise<boolean>;
  /**
   * A transactional producer (Kafka transactions): records to several topics and a consumer
   * group's offsets commit together or not at all. Creating one with the same id fences any
   * older producer of that id (a zombie can no longer commit).
   */
  transactionalProducer(transactionalId: string): Promise<TransactionalProducer>;
  consume(opts: ConsumeOptions): Promise<RunningConsumer>;
  /** The offsets a consumer group has committed in Kafka (next offset to read), per topic and partition. */
  committedOffsets(groupId: string, topics: string[]): Promise<{ topic: string; partition: number; offset: bigint | null }[]>;
  /**
   * Where KafkaJS's default partitioner puts a key on `topic` (its partition count read once),
   * for a producer that batches by partition; every producer of the topic agrees with it.
   */
  partitioner(topic: string): Promise<(key: string) => number>;
  /** Earliest and next-to-write offset of every partition of a topic. */
  partitionOffsets(topic: string): Promise<{ partition: number; low: bigint; high: bigint }[]>;
  /**
   * The records of one partition from `fromOffset` up to (not including) `toOffsetExclusive`,
   * clamped to what the partition holds now. Joins no shared group and commits nothing; meant
   * for small admin reads such as dead letters, not for streaming.
   */
  readRange(topic: string, partition: number, fromOffset: bigint, toOffsetExclusive: bigint): Promise<IncomingRecord[]>;
  close(): Promise<void>;
}

export interface EventProducer {
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface TransactionalProducer {
  /**
   * Sends every record and commits `offsets` (next offset to read) for `groupId`, atomically.
   * A failure says `transactionPhase`: 'before-commit' (nothing committed; safe to retry) or
   * 'commit' (outcome unknown; rebuild from the committed offsets before going on).
   */
  commit(sends: { topic: string; records: OutgoingRecord[] }[], offsets?: { groupId: string; offsets: { topic: string; partition: number; offset: bigint }[] }): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  /** Called before any batch of a newly assigned set of partitions is handled. */
  onAssigned?: (assignment: Record<string, number[]>) => Promise<void> | void;
  eachBatch: (batch: IncomingBatch, control: BatchControl) => Promise<void>;
  /** Batches of different partitions handled at once (order within a partition is kept). */
  partitionsConcurrently?: number;
  /** Give partition N of every topic to the same member (topics with equal partition counts). */
  coPartitioned?: boolean;
  /** Give every partition to one member; the others wait as standbys. */
  singleActive?: boolean;
}

export interface BatchControl {
  /** Move the fetch position of a partition (e.g. to a checkpoint kept elsewhere). */
  seek(topic: string, partition: number, offset: bigint): void;
  heartbeat(): Promise<void>;
  isStale(): boolean;
  /** Commits this batch's end to Kafka (for consumers whose position lives there, e.g. commands). */
  commit(): Promise<void>;
}

export interface RunningConsumer {
  seek(topic: string, partition: number, offset: bigint): void;
  stop(): Promise<void>;
}

// Not a named export under Node's ESM loader (kafkajs is CommonJS).
const { ConfigResourceTypes, Partitioners } = kafkajs;

function kafkaLogCreator(log: Logger) {
  return () => ({ namespace, level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    const fields = { component: 'kafkajs', namespace, ...rest };
    // The broker is still finishing the previous transaction; the alert evaluator retries.
    const expected = typeof rest.error === 'string' && rest.error.includes('concurrent operation on the same transaction');
    // Said of every idempotent producer whose retries are bounded. Ours are: a send that gives
    // up is re-sent by its caller as the same batch (checkOutbox.ts), or answered 503 (API).
    if (message.startsWith('Limiting retries for the idempotent producer')) return void log.debug(fields, message);
    if (level <= KafkaLogLevel.ERROR && !expected) log.error(fields, message);
    else if (level === KafkaLogLevel.WARN) log.warn(fields, message);
    else log.debug(fields, message);
  };
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
}

export function createKafkaClient(config: Config, log: Logger): KafkaClient {
  const kafka = new Kafka({
    clientId: config.kafka.clientId,
    brokers: config.kafka.brokers,
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkaLogCreator(log),
    retry: { initialRetryTime: 200, retries: 8 },
  });
  const open = new Set<{ close(): Promise<void> }>();

  const ensureTopicsOnce = async (specs: TopicSpec[]): Promise<void> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = specs.filter((s) => !existing.has(s.name));
      if (missing.length) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: s.name,
            numPartitions: s.partitions,
            replicationFactor: s.replicationFactor,
            configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
          })),
        });
      }
      // Settings (e.g. retention) changed since a topic was created are applied to it.
      const present = specs.filter((s) => existing.has(s.name));
      if (present.length) {
        const described = await admin.describeConfigs({
          includeSynonyms: false,
          resources: present.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name, configNames: Object.keys(s.config) })),
        });
        const drifted = present.flatMap((s) => {
          const actual = described.resources.find((r) => r.resourceName === s.name)?.configEntries ?? [];
          const differs = Object.entries(s.config).some(([k, v]) => actual.find((e) => e.configName === k)?.configValue !== v);
          return differs ? [s] : [];
        });
        if (drifted.length) {
          await admin.alterConfigs({
            validateOnly: false,
            resources: drifted.map((s) => ({ type: ConfigResourceTypes.TOPIC, name: s.name, configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })) })),
          });
          log.info({ topics: drifted.map((s) => s.name) }, 'topic settings updated');
        }
      }
    } finally {
      await admin.disconnect();
    }
  };


  async function partitionOffsets(topic: string) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }));
    } finally {
      await admin.disconnect();
    }
  }

  return {
    async ensureTopics(specs) {
      // A broker that has just started may still be loading partitions and answer "does not
      // host this topic-partition" for a while: that is worth waiting out, not failing on.
      for (let attempt = 1; ; attempt++) {
        try {
          return await ensureTopicsOnce(specs);
        } catch (err) {
          const e = err as { retriable?: boolean; type?: string };
          if (attempt >= 15 || !(e.retriable || e.type === 'UNKNOWN_TOPIC_OR_PARTITION')) throw err;
          log.warn({ attempt, err: { message: (err as Error).message } }, 'Kafka not ready to create topics yet; retrying');
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
    },

    partitionOffsets,

    async partitioner(topic) {
      const count = (await partitionOffsets(topic)).length;
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
      const choose = Partitioners.DefaultPartitioner();
      return (key) => choose({ topic, partitionMetadata, message: { key, value: null } });
    },

    async ping(timeoutMs) {
      const admin = kafka.admin({ retry: { retries: 0 } });
      const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
      const answer = (async () => {
        await admin.connect();
        return (await admin.describeCluster()).brokers.length > 0;
      })().catch(() => false);
      try {
        return await Promise.race([answer, timer]);
      } finally {
        void admin.disconnect().catch(() => undefined);
      }
    },

    async deleteTopics(names) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteTopics({ topics: names });
      } finally {
        await admin.disconnect();
      }
    },

    async readRange(topic, partition, fromOffset, toOffsetExclusive) {
      const offsets = await partitionOffsets(topic);
      const held = offsets.find((o) => o.partition === partition);
      if (!held) throw new Error(`topic ${topic} has no partition ${partition}`);
      const from = fromOffset > held.low ? fromOffset : held.low;
      const to = toOffsetExclusive < held.high ? toOffsetExclusive : held.high;
      if (from >= to) return [];

      // KafkaJS has no manual assignment, so a throwaway group of one member gets every
      // partition; we seek ours, pause the others and never commit (an empty group with no
      // offsets is dropped by the broker).
      const consumer: Consumer = kafka.consumer({
        groupId: `${config.kafka.topicPrefix}pulse-reader-${randomUUID()}`,
        allowAutoTopicCreation: false,
        maxWaitTimeInMs: 100,
      });
      const handle = { close: () => consumer.disconnect() };
      open.add(handle);
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
                if (offset >= from && offset < to) {
                  out.push({ topic, partition, offset, key: m.key ? m.key.toString('utf8') : null, value: m.value, headers: headersToStrings(m.headers), timestamp: Number(m.timestamp) });
                }
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
        open.delete(handle);
        await consumer.disconnect();
      }
      return out;
    },

    async producer(opts = {}) {
      // ~6 s of retries: long enough to ride out a leader election, short enough to answer.
      const retry = opts.patience === 'request' ? { retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 3_000 } } : {};
      const p: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner, ...retry });
      await p.connect();
      const handle: EventProducer = {
        async send(topic, records) {
          if (!records.length) return;
          try {
            await p.send({
              topic,
              acks: -1,
              messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, ...(r.partition !== undefined ? { partition: r.partition } : {}) })),
            });
          } catch (err) {
            throw new DependencyUnavailable('kafka', err);
          }
        },
        async close() {
          open.delete(handle);
          await p.disconnect();
        },
      };
      open.add(handle);
      return handle;
    },

    async transactionalProducer(transactionalId) {
      const p: Producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
      await p.connect();
      const handle: TransactionalProducer = {
        async commit(sends, offsets) {
          const txn = await p.transaction();
          try {
            for (const { topic, records } of sends) {
              if (records.length) await txn.send({ topic, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })) });
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
        async close() {
          open.delete(handle);
          await p.disconnect();
        },
      };
      open.add(handle);
      return handle;
    },

    async committedOffsets(groupId, topics) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const res = await admin.fetchOffsets({ groupId, topics });
        return res.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) >= 0 ? BigInt(p.offset) : null })));
      } finally {
        await admin.disconnect();
      }
    },

    async consume(opts) {
      let current: Consumer | undefined;
      let stopped = false;
      const seek = (topic: string, partition: number, offset: bigint) =>
        current?.seek({ topic, partition, offset: offset.toString() });

      const start = async () => {
        const consumer: Consumer = kafka.consumer({
          groupId: opts.groupId,
          allowAutoTopicCreation: false,
          sessionTimeout: config.kafka.sessionTimeoutMs,
          heartbeatInterval: Math.min(3_000, Math.floor(config.kafka.sessionTimeoutMs / 3)),
          maxWaitTimeInMs: 100,
          retry: { retries: 10 },
          ...(opts.coPartitioned ? { partitionAssigners: [coPartitionedAssigner] } : {}),
          ...(opts.singleActive ? { partitionAssigners: [singleActiveAssigner] } : {}),
        });
        let assigned: Promise<void> = Promise.resolve();
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          assigned = Promise.resolve(opts.onAssigned?.(e.payload.memberAssignment));
        });
        // KafkaJS gives up for good on "non-retriable" errors such as losing the broker for
        // longer than its retries; a long-running service must come back by itself.
        consumer.on(consumer.events.CRASH, (e) => {
          if (e.payload.restart || stopped) return;
          log.error({ groupId: opts.groupId, err: { message: e.payload.error.message } }, 'consumer crashed; recreating it in 2 s');
          setTimeout(() => void restart(), 2_000);
        });
        current = consumer;
        await consumer.connect();
        await consumer.subscribe({ topics: opts.topics, fromBeginning: true });
        await consumer.run({
          // Resolving moves the in-memory fetch position only; nothing is committed to Kafka.
          autoCommit: false,
          eachBatchAutoResolve: true,
          partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 1,
          eachBatch: async ({ batch, heartbeat, isStale }) => {
            await assigned;
            const records: IncomingRecord[] = batch.messages.map((m) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: BigInt(m.offset),
              key: m.key ? m.key.toString('utf8') : null,
              value: m.value,
              headers: headersToStrings(m.headers),
              timestamp: Number(m.timestamp),
            }));
            const commit = async () => {
              const last = records[records.length - 1];
              if (last) await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (last.offset + 1n).toString() }]);
            };
            await opts.eachBatch(
              { topic: batch.topic, partition: batch.partition, records, highWatermark: BigInt(batch.highWatermark) },
              { seek, heartbeat, isStale, commit },
            );
          },
        });
      };

      const restart = async (): Promise<void> => {
        if (stopped) return;
        await current?.disconnect().catch(() => undefined);
        try {
          await start();
          // Stopped while this restart was joining: leave no member behind in the group.
          if (stopped) await current?.disconnect();
        } catch (err) {
          if (stopped) return;
          log.error({ groupId: opts.groupId, err: { message: (err as Error).message } }, 'consumer restart failed; trying again in 2 s');
          setTimeout(() => void restart(), 2_000);
        }
      };

      await start();
      const handle = {
        seek,
        async stop() {
          stopped = true;
          open.delete(handle);
          await current?.disconnect();
        },
        close: async () => handle.stop(),
      };
      open.add(handle);
      return handle;
    },

    async close() {
      await Promise.allSettled([...open].map((h) => h.close()));
    },
  };
}
