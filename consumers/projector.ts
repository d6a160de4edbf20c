// Runs one projection against its topic with exactly-once effect:
// - the projection's rows and the partition's next offset are written in one transaction;
// - offsets are never committed to Kafka; on (re)assignment we seek to our own checkpoint,
//   and every batch re-reads the checkpoint under a row lock and skips what is already in,
//   so a redelivery, a crash or a rebalance can neither lose nor repeat an event;
// - a record that cannot be decoded or applied goes to `<topic>.dlq` with the reason.
// A replay (consumers/replay.ts) runs the same loop into a schema of its own.
import { inTransaction, isTransientDbError, type Db, type Tx } from '../platform/db.js';
import { UndecodableRecord, type EventCodec, type PulseEvent } from '../platform/events.js';
import type { EventProducer, IncomingBatch, IncomingRecord, KafkaClient, RunningConsumer } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';
import type { Projection } from '../projections/projection.js';
import { deadLetter } from './deadLetters.js';

export const notifyChannel = 'pulse_projection';

export interface ProjectorDeps {
  db: Db;
  kafka: KafkaClient;
  codec: EventCodec;
  topics: Topics;
  log: Logger;
}

export interface ProjectorOptions {
  /** Postgres schema holding the projection's tables and checkpoints; a replay uses its own. */
  schema: string;
  groupId: string;
  /**
   * False for a replay: the live projector has already dead-lettered what cannot be decoded,
   * and a record that cannot be applied fails the replay (via onApplyFailure) rather than
   * vanish from the rebuilt tables.
   */
  deadLetters: boolean;
  onApplyFailure?: (reason: string) => Promise<void>;
  notify: boolean;
  /** Called after each committed batch, before the next one starts (replay progress and switch). */
  onCommitted?: (partition: number, nextOffset: bigint, records: number) => Promise<void> | void;
  /** When false, batches are left alone (a replay that has switched over and is stopping). */
  active?: () => boolean;
}

export async function readCheckpoint(tx: Tx | Db, schema: string, projection: string, topic: string, partition: number, lock = false): Promise<bigint | null> {
  const { rows } = await tx.query(
    `SELECT next_offset FROM ${schema}.projection_checkpoints WHERE projection = $1 AND topic = $2 AND partition = $3${lock ? ' FOR UPDATE' : ''}`,
    [projection, topic, partition],
  );
  return rows.length ? BigInt(rows[0].next_offset) : null;
}

async function writeCheckpoint(tx: Tx, schema: string, projection: string, topic: string, partition: number, nextOffset: bigint): Promise<void> {
  await tx.query(
    `INSERT INTO ${schema}.projection_checkpoints (projection, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
     ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = now()`,
    [projection, topic, partition, nextOffset.toString()],
  );
}

/** Tells API instances (LISTEN) which integrations changed; delivered only if the transaction commits. */
async function notifyChanged(tx: Tx, projection: string, ids: string[]): Promise<void> {
  // NOTIFY payloads are capped at 8000 bytes; ids are short, 100 per message stays well under.
  for (let i = 0; i < ids.length; i += 100) {
    await tx.query('SELECT pg_notify($1, $2)', [notifyChannel, JSON.stringify({ projection, ids: ids.slice(i, i + 100) })]);
  }
}

interface Decoded {
  record: IncomingRecord;
  event: PulseEvent;
}

export async function runProjector(projection: Projection, deps: ProjectorDeps, options: Partial<ProjectorOptions> = {}): Promise<RunningConsumer> {
  const { db, kafka, codec, topics, log } = deps;
  const opts: ProjectorOptions = {
    schema: 'public', groupId: topics.group(`pulse-projector-${projection.name}`), deadLetters: true, notify: true, ...options,
  };
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error(`invalid schema name ${opts.schema}`);
  const { schema } = opts;
  const topic = projection.topic(topics);
  const dlqProducer: EventProducer = await kafka.producer();
  const plog = log.child({ projection: projection.name, topic, ...(schema !== 'public' ? { schema } : {}) });
  const deadLetterIf = (record: IncomingRecord, reason: string) =>
    opts.deadLetters ? deadLetter(dlqProducer, topics, record, projection.name, reason, plog) : Promise.resolve();

  const decodeAll = async (batch: IncomingBatch): Promise<Decoded[]> => {
    const out: Decoded[] = [];
    for (const record of batch.records) {
      // A re-driven dead letter is meant for the projection that failed it; the others applied the original.
      const redrivenFor = record.headers['dlq-redriven-for'];
      if (redrivenFor && redrivenFor !== projection.name) continue;
      try {
        const event = await codec.decode(record);
        if (projection.handles(event)) out.push({ record, event });
      } catch (err) {
        if (!(err instanceof UndecodableRecord)) throw err;
        await deadLetterIf(record, err.message);
      }
    }
    return out;
  };

  /** One transaction: lock checkpoint, skip what is in, apply, advance, notify. */
  const applyInTx = (partition: number, decoded: Decoded[], lastOffset: bigint) =>
    inTransaction(db, async (tx) => {
      // Rows and checkpoint commit together, so a commit lost in a Postgres crash loses both
      // and the batch is simply applied again: waiting for the WAL flush buys nothing here.
      await tx.query('SET LOCAL synchronous_commit = off');
      // Unqualified table names in the projection's SQL resolve to the target schema.
      if (schema !== 'public') await tx.query(`SET LOCAL search_path TO ${schema}, public`);
      const next = await readCheckpoint(tx, schema, projection.name, topic, partition, true);
      const fresh = decoded.filter((d) => next === null || d.record.offset >= next);
      if (next !== null && lastOffset < next) return { skipped: true as const, next };
      const changed = fresh.length ? await projection.apply(tx, fresh.map((d) => d.event)) : [];
      // A stable marker of the riskiest moment (rows written, checkpoint and commit not yet):
      // the crash test SIGKILLs a projector right here to prove nothing is applied twice.
      plog.debug({ partition, records: fresh.length }, 'projector batch applied, not committed');
      await writeCheckpoint(tx, schema, projection.name, topic, partition, lastOffset + 1n);
      if (opts.notify && changed.length) await notifyChanged(tx, projection.name, changed);
      return { skipped: false as const, applied: fresh.length };
    });

  const rewoundTo = new Map<number, bigint>();
  const consumer = await kafka.consume({
    groupId: opts.groupId,
    topics: [topic],
    // Partitions hold disjoint integrations, so their transactions rarely wait on each other;
    // running a few at once keeps both cores busy (Node decoding, Postgres writing).
    partitionsConcurrently: 3,
    onAssigned: async (assignment) => {
      for (const partition of assignment[topic] ?? []) {
        const next = await readCheckpoint(db, schema, projection.name, topic, partition);
        if (next !== null) consumer.seek(topic, partition, next);
      }
      plog.info({ partitions: assignment[topic] ?? [] }, 'partitions assigned');
    },
    eachBatch: async (batch, control) => {
      if (!batch.records.length || opts.active?.() === false) return;
      const first = batch.records[0] as IncomingRecord;
      const last = batch.records[batch.records.length - 1] as IncomingRecord;
      const checkpoint = await readCheckpoint(db, schema, projection.name, topic, batch.partition);
      if (checkpoint !== null && first.offset > checkpoint && rewoundTo.get(batch.partition) !== checkpoint) {
        // Fetch position ran ahead of our truth (e.g. the database was restored): go back,
        // once. If the next fetch still starts later, the offsets between hold no records
        // (transaction markers on a transactional topic, compacted records): that gap is fine.
        plog.debug({ partition: batch.partition, fetched: first.offset.toString(), checkpoint: checkpoint.toString() }, 'rewinding to checkpoint');
        rewoundTo.set(batch.partition, checkpoint);
        control.seek(topic, batch.partition, checkpoint);
        return;
      }
      if (checkpoint !== null && last.offset < checkpoint) return; // all already applied

      const decoded = await decodeAll(batch);
      // Stable marker: a batch fetched and decoded, its transaction not begun (a kill point for the crash test).
      plog.debug({ partition: batch.partition, records: decoded.length }, 'projector batch in hand');
      try {
        await applyInTx(batch.partition, decoded, last.offset);
      } catch (err) {
        if (isTransientDbError(err)) throw err; // KafkaJS redelivers the batch; the checkpoint makes that safe
        // Some event cannot be applied: find it by applying one at a time.
        plog.warn({ err: errorSummary(err), partition: batch.partition }, 'batch failed to apply; isolating the bad record');
        for (const d of decoded) {
          try {
            await applyInTx(batch.partition, [d], d.record.offset);
          } catch (one) {
            if (isTransientDbError(one)) throw one;
            const reason = `cannot apply offset ${d.record.offset}: ${errorSummary(one)}`;
            if (!opts.deadLetters) return opts.onApplyFailure?.(reason);
            await deadLetterIf(d.record, reason);
            await inTransaction(db, (tx) => writeCheckpoint(tx, schema, projection.name, topic, batch.partition, d.record.offset + 1n));
          }
        }
        await inTransaction(db, (tx) => writeCheckpoint(tx, schema, projection.name, topic, batch.partition, last.offset + 1n));
      }
      await opts.onCommitted?.(batch.partition, last.offset + 1n, batch.records.length);
      await control.heartbeat();
    },
  });

  return {
    seek: consumer.seek,
    async stop() {
      await consumer.stop();
      await dlqProducer.close();
    },
  };
}

function errorSummary(err: unknown): string {
  const e = err as { message?: string; code?: string };
  return `${e?.code ? `${e.code} ` : ''}${e?.message ?? String(err)}`.slice(0, 500);
}
