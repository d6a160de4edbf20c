// All Kafka access goes through this module and its parts in `kafka/` (KafkaJS is in
// maintenance mode; keeping it behind a small surface lets us swap the client). Topics are
// created explicitly, never auto-created; producers are idempotent; consumers never
// auto-commit — each runtime decides where its truth about offsets lives.
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { kafkaAdmin } from './kafka/admin.js';
import { connectCluster, type Closable } from './kafka/cluster.js';
import { groupConsumers } from './kafka/consumer.js';
import { kafkaProducers } from './kafka/producer.js';
import { rangeReader } from './kafka/reader.js';

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

/** One client from its parts: admin, reader, producers, consumers; `close` ends whatever is still open. */
export function createKafkaClient(config: Config, log: Logger): KafkaClient {
  const kafka = connectCluster(config, log);
  const open = new Set<Closable>();
  const admin = kafkaAdmin(kafka, log);
  return {
    ...admin,
    ...kafkaProducers(kafka, { partitionOffsets: admin.partitionOffsets, open }),
    readRange: rangeReader(kafka, { topicPrefix: config.kafka.topicPrefix, partitionOffsets: admin.partitionOffsets, open }),
    consume: groupConsumers(kafka, { sessionTimeoutMs: config.kafka.sessionTimeoutMs, log, open }),
    async close() {
      await Promise.allSettled([...open].map((h) => h.close()));
    },
  };
}
