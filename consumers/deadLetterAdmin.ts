// Dead-letter administration: how many records each DLQ holds, what they are, and re-driving
// them to their source topic once the cause is fixed. Values are never shown (they may hold
// data), only their size. How far each DLQ partition has been re-driven is kept in Postgres
// (`dead_letter_redrives`), so a record is re-driven once however often an admin asks.
import { inTransaction, type Db, type Tx } from '../platform/db.js';
import type { EventProducer, IncomingRecord, KafkaClient } from '../platform/kafka.js';
import { topicCatalog, type TopicKey, type Topics } from '../platform/topics.js';

export interface DeadLetterDeps {
  db: Db;
  kafka: KafkaClient;
  topics: Topics;
}

/** Every catalogued topic has a DLQ (see topicSpecs); admins name it by its logical key. */
export const deadLetterSources = Object.keys(topicCatalog) as TopicKey[];
export const isDeadLetterSource = (name: string): name is TopicKey => (deadLetterSources as string[]).includes(name);

export interface DeadLetterCount {
  topic: TopicKey;
  sourceTopic: string;
  dlqTopic: string;
  /** Records the DLQ holds (retention drops them after 30 days). */
  total: number;
  /** Held records not re-driven yet. */
  pending: number;
}

export interface DeadLetter {
  partition: number;
  offset: number;
  key: string | null;
  valueBytes: number;
  reason: string | null;
  consumer: string | null;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: number | null;
  at: string | null;
  redriven: boolean;
}

/** Records per re-drive transaction: bounds how long the progress row stays locked. */
const redriveChunkSize = 500n;

const maxOf = (a: bigint, b: bigint) => (a > b ? a : b);
const minOf = (a: bigint, b: bigint) => (a < b ? a : b);
const dlqOf = (topics: Topics, source: TopicKey) => topics.dlq(topics[source]);

async function redriveProgress(db: Db, dlqTopic: string): Promise<Map<number, bigint>> {
  const { rows } = await db.query('SELECT partition, next_offset FROM dead_letter_redrives WHERE dlq_topic = $1', [dlqTopic]);
  return new Map(rows.map((r) => [r.partition as number, BigInt(r.next_offset)]));
}

export async function deadLetterSummary(deps: DeadLetterDeps): Promise<DeadLetterCount[]> {
  return Promise.all(deadLetterSources.map(async (topic) => {
    const dlqTopic = dlqOf(deps.topics, topic);
    const [offsets, progress] = await Promise.all([deps.kafka.partitionOffsets(dlqTopic), redriveProgress(deps.db, dlqTopic)]);
    let total = 0n;
    let pending = 0n;
    for (const { partition, low, high } of offsets) {
      total += high - low;
      pending += high - minOf(high, maxOf(low, progress.get(partition) ?? 0n));
    }
    return { topic, sourceTopic: deps.topics[topic], dlqTopic, total: Number(total), pending: Number(pending) };
  }));
}

/** The newest `limit` dead letters of a source topic, newest first. */
export async function listDeadLetters(deps: DeadLetterDeps, source: TopicKey, { limit }: { limit: number }): Promise<DeadLetter[]> {
  const dlqTopic = dlqOf(deps.topics, source);
  const [offsets, progress] = await Promise.all([deps.kafka.partitionOffsets(dlqTopic), redriveProgress(deps.db, dlqTopic)]);
  const perPartition = await Promise.all(offsets
    .filter((o) => o.high > o.low)
    .map((o) => deps.kafka.readRange(dlqTopic, o.partition, maxOf(o.low, o.high - BigInt(limit)), o.high)));
  return perPartition.flat()
    .sort((a, b) => b.timestamp - a.timestamp || Number(b.offset - a.offset))
    .slice(0, limit)
    .map((r) => describe(r, progress));
}

function describe(r: IncomingRecord, progress: Map<number, bigint>): DeadLetter {
  const h = r.headers;
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  return {
    partition: r.partition,
    offset: Number(r.offset),
    key: r.key,
    valueBytes: r.value?.length ?? 0,
    reason: h['dlq-reason'] ?? null,
    consumer: h['dlq-consumer'] ?? null,
    sourceTopic: h['dlq-source-topic'] ?? null,
    sourcePartition: int(h['dlq-source-partition']),
    sourceOffset: int(h['dlq-source-offset']),
    at: h['dlq-at'] ?? null,
    redriven: r.offset < (progress.get(r.partition) ?? 0n),
  };
}

/** Sends every not-yet-re-driven dead letter back to its source topic; returns how many. */
export async function redriveDeadLetters(deps: DeadLetterDeps, source: TopicKey): Promise<number> {
  const sourceTopic = deps.topics[source];
  const dlqTopic = dlqOf(deps.topics, source);
  // Only what is held now: a record that fails again lands beyond this mark and waits for the
  // next re-drive, instead of looping between the topics.
  const offsets = await deps.kafka.partitionOffsets(dlqTopic);
  const producer = await deps.kafka.producer();
  let redriven = 0;
  try {
    for (const { partition, low, high } of offsets) {
      for (;;) {
        const step = await inTransaction(deps.db, (tx) => redriveNext(tx, deps.kafka, producer, { sourceTopic, dlqTopic, partition, low, high }));
        redriven += step.sent;
        if (step.finished) break;
      }
    }
  } finally {
    await producer.close();
  }
  return redriven;
}

interface RedriveRange {
  sourceTopic: string;
  dlqTopic: string;
  partition: number;
  low: bigint;
  high: bigint;
}

async function redriveNext(tx: Tx, kafka: KafkaClient, producer: EventProducer, r: RedriveRange): Promise<{ sent: number; finished: boolean }> {
  // Locking the progress row makes concurrent re-drives of a partition take turns rather than
  // both sending the same records.
  await tx.query('INSERT INTO dead_letter_redrives (dlq_topic, partition, next_offset) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [r.dlqTopic, r.partition]);
  const { rows } = await tx.query('SELECT next_offset FROM dead_letter_redrives WHERE dlq_topic = $1 AND partition = $2 FOR UPDATE', [r.dlqTopic, r.partition]);
  const from = maxOf(r.low, BigInt(rows[0].next_offset));
  if (from >= r.high) return { sent: 0, finished: true };
  const to = minOf(r.high, from + redriveChunkSize);
  const records = await kafka.readRange(r.dlqTopic, r.partition, from, to);
  await producer.send(r.sourceTopic, records.map((d) => ({
    key: d.key ?? '',
    value: d.value ?? Buffer.alloc(0),
    // `for` names the consumer that failed it: when several projections share a topic, the
    // others have applied the original already and can skip the copy.
    headers: { 'dlq-redriven-from': `${r.partition}:${d.offset}`, 'dlq-redriven-for': d.headers['dlq-consumer'] ?? '' },
  })));
  // Written only after the produce succeeded: a crash in between re-drives the chunk again
  // (at least once), never loses it.
  await tx.query('UPDATE dead_letter_redrives SET next_offset = $3, updated_at = now() WHERE dlq_topic = $1 AND partition = $2', [r.dlqTopic, r.partition, to.toString()]);
  return { sent: records.length, finished: to >= r.high };
}
