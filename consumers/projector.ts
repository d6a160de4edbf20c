// Runs one projection against its topic with exactly-once effect:
// - the projection's rows and the partition's next offset are written in one transaction;
// - offsets are never committed to Kafka; on (re)assignment we seek to our own checkpoint,
//   and every batch re-reads the checkpoint under a row lock and skips what is already in,
//   so a redelivery, a crash or a rebalance can neither lose nor repeat an event;
// - a record that cannot be decoded or applied goes to `<topic>.dlq` with the reason.
// A replay (consumers/replay.ts) runs the same loop into a schema of its own.
import { inTransaction, isTransientDbError, type Db, type Tx } from '../platform/db.js';
import { UndecodableRecord, type EventCodec } from '../platform/events.js';
import type { PulseEvent } from '../health/events.js';
import type { BatchControl, EventProducer, IncomingBatch, IncomingRecord, KafkaClient, RunningConsumer } from '../platform/kafka.js';
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

  /**
   * One transaction over the offsets `from..last` of a partition: lock the checkpoint, compare it
   * with where this range starts, skip what is in, apply the rest, advance, notify. The compare
   * is what makes the checkpoint a compare-and-set: a member that lost the partition (a zombie
   * during a rebalance) and holds a range that starts past the checkpoint would skip records
   * nobody applied, so it gets 'gap' and must go back; a range entirely below the checkpoint was
   * applied by someone else and is skipped.
   */
  const applyInTx = (partition: number, decoded: Decoded[], from: bigint, last: bigint) =>
    inTransaction(db, async (tx): Promise<{ outcome: 'applied' | 'skipped' } | { outcome: 'gap'; next: bigint }> => {
      // Rows and checkpoint commit together, so a commit lost in a Postgres crash loses both
      // and the batch is simply applied again: waiting for the WAL flush buys nothing here.
      await tx.query('SET LOCAL synchronous_commit = off');
      // Unqualified table names in the projection's SQL resolve to the target schema.
      if (schema !== 'public') await tx.query(`SET LOCAL search_path TO ${schema}, public`);
      // FOR UPDATE locks a checkpoint row only once it exists: two members applying a
      // partition's first batch would both find none. This lock serialises them from the start.
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${schema}/${projection.name}/${topic}/${partition}`]);
      const next = await readCheckpoint(tx, schema, projection.name, topic, partition, true);
      if (next !== null && last < next) return { outcome: 'skipped' };
      // The offsets between the checkpoint and `from` hold no records only if a fetch from the
      // checkpoint itself came back starting at `from` (transaction markers, compaction).
      if (next !== null && from > next && rewoundTo.get(partition) !== next) return { outcome: 'gap', next };
      const fresh = decoded.filter((d) => next === null || d.record.offset >= next);
      const changed = fresh.length ? await projection.apply(tx, fresh.map((d) => d.event)) : [];
      // A stable marker of the riskiest moment (rows written, checkpoint and commit not yet):
      // the crash test SIGKILLs a projector right here to prove nothing is applied twice.
      plog.debug({ partition, records: fresh.length }, 'projector batch applied, not committed');
      await writeCheckpoint(tx, schema, projection.name, topic, partition, last + 1n);
      if (opts.notify && changed.length) await notifyChanged(tx, projection.name, changed);
      return { outcome: 'applied' };
    });

  let stopping = false;
  /**
   * Runs `attempt` until the database answers. A transient error (the connection dropped, the
   * server restarting) says nothing about the data: pause with backoff, keep the group
   * membership alive, reconnect (the pool opens a fresh connection) and try the same range again.
   * Gives up only when the partition is no longer ours or the projector stops; KafkaJS then
   * redelivers from the checkpoint, which makes a retry by anyone safe.
   */
  const untilDatabaseAnswers = async <T>(partition: number, control: BatchControl, attempt: () => Promise<T>): Promise<T> => {
    const began = Date.now();
    for (let n = 1; ; n++) {
      try {
        const result = await attempt();
        if (n > 1) plog.info({ partition, attempts: n, waitedMs: Date.now() - began }, 'database answers again; batch applied');
        return result;
      } catch (err) {
        if (!isTransientDbError(err) || stopping) throw err;
        if (n === 1) plog.warn({ partition, err: errorSummary(err) }, 'database unavailable; holding the batch and retrying');
        await new Promise((r) => setTimeout(r, databaseRetryDelayMs(n)));
        await control.heartbeat().catch(() => undefined);
        if (control.isStale() || stopping) throw err;
      }
    }
  };

  const rewoundTo = new Map<number, bigint>();
  /** Go back to the checkpoint, once per checkpoint value (see applyInTx). */
  const rewind = (control: BatchControl, partition: number, checkpoint: bigint, fetched: bigint) => {
    plog.debug({ partition, fetched: fetched.toString(), checkpoint: checkpoint.toString() }, 'rewinding to checkpoint');
    rewoundTo.set(partition, checkpoint);
    control.seek(topic, partition, checkpoint);
  };

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
      const { partition } = batch;
      const first = batch.records[0] as IncomingRecord;
      const last = batch.records[batch.records.length - 1] as IncomingRecord;
      // A cheap look before decoding (the transaction decides): already applied, or fetched ahead.
      const checkpoint = await untilDatabaseAnswers(partition, control, () => readCheckpoint(db, schema, projection.name, topic, partition));
      if (checkpoint !== null && last.offset < checkpoint) return;
      if (checkpoint !== null && first.offset > checkpoint && rewoundTo.get(partition) !== checkpoint) return rewind(control, partition, checkpoint, first.offset);

      const decoded = await decodeAll(batch);
      // Stable marker: a batch fetched and decoded, its transaction not begun (a kill point for the crash test).
      plog.debug({ partition, records: decoded.length }, 'projector batch in hand');
      const applyRange = async (d: Decoded[], from: bigint, to: bigint): Promise<boolean> => {
        const result = await untilDatabaseAnswers(partition, control, () => applyInTx(partition, d, from, to));
        if (result.outcome !== 'gap') return true;
        rewind(control, partition, result.next, from);
        return false;
      };
      try {
        if (!(await applyRange(decoded, first.offset, last.offset))) return;
      } catch (err) {
        if (isTransientDbError(err)) throw err; // the partition moved or we stop: redelivered from the checkpoint
        // Some event cannot be applied: find it by applying one at a time.
        plog.warn({ err: errorSummary(err), partition }, 'batch failed to apply; isolating the bad record');
        let from = first.offset;
        for (const d of decoded) {
          try {
            if (!(await applyRange([d], from, d.record.offset))) return;
          } catch (one) {
            if (isTransientDbError(one)) throw one;
            const reason = `cannot apply offset ${d.record.offset}: ${errorSummary(one)}`;
            if (!opts.deadLetters) return opts.onApplyFailure?.(reason);
            await deadLetterIf(d.record, reason);
            if (!(await applyRange([], from, d.record.offset))) return;
          }
          from = d.record.offset + 1n;
        }
        if (!(await applyRange([], from, last.offset))) return;
      }
      await opts.onCommitted?.(partition, last.offset + 1n, batch.records.length);
      await control.heartbeat();
    },
  });

  return {
    seek: consumer.seek,
    async stop() {
      stopping = true;
      await consumer.stop();
      await dlqProducer.close();
    },
  };
}

/** 250 ms, doubling to 5 s: quick through a blip, gentle on a database that is restarting. */
export function databaseRetryDelayMs(attempt: number): number {
  return Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5));
}

function errorSummary(err: unknown): string {
  const e = err as { message?: string; code?: string };
  return `${e?.code ? `${e.code} ` : ''}${e?.message ?? String(err)}`.slice(0, 500);
}
