// Replay: rebuild a projection from the earliest offset into a schema of its own while the
// live tables keep serving, then swap the rebuilt tables in atomically once the rebuild has
// caught up with the live projector. The live projector carries on from the swapped-in
// checkpoints, because it reads its checkpoint row under lock in every batch transaction.
//
// The rebuild runs the ordinary projector loop (runProjector) with search_path pointing at
// `replay_<projection>`, so the projection's SQL is the same code either way, and a change of
// rule (e.g. SLOW_CHECK_MS) is re-applied to the whole history.
import { randomUUID } from 'node:crypto';
import { inTransaction, type Tx } from '../platform/db.js';
import type { Projection } from '../projections/projection.js';
import type { RunningConsumer } from '../platform/kafka.js';
import { runProjector, type ProjectorDeps } from './projector.js';

export type ReplayState = 'replaying' | 'switching' | 'done' | 'failed';

export interface ReplayProgress {
  replayId: string;
  projection: string;
  state: ReplayState;
  processed: number;
  total: number;
  eventsPerSecond: number;
  etaSeconds: number | null;
  error: string | null;
}

export class ReplayAlreadyRunning extends Error {}

/** Pure: rate and time left from what is done so far. */
export function replayRate(processed: number, total: number, elapsedMs: number): { eventsPerSecond: number; etaSeconds: number | null } {
  const eventsPerSecond = elapsedMs > 0 ? Math.round((processed * 1000) / elapsedMs) : 0;
  const left = Math.max(0, total - processed);
  return { eventsPerSecond, etaSeconds: eventsPerSecond > 0 ? Math.ceil(left / eventsPerSecond) : left === 0 ? 0 : null };
}

async function childTables(tx: Tx, qualified: string): Promise<string[]> {
  const { rows } = await tx.query(
    'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1)',
    [qualified],
  );
  return rows.map((r) => r.name as string);
}

async function moveTable(tx: Tx, table: string, from: string, to: string): Promise<void> {
  for (const child of await childTables(tx, `${from}.${table}`)) await tx.query(`ALTER TABLE ${from}.${child} SET SCHEMA ${to}`);
  await tx.query(`ALTER TABLE ${from}.${table} SET SCHEMA ${to}`);
}

/** Empty copies of the live tables (columns, defaults, constraints, indexes, partitioning). */
async function createShadowTables(tx: Tx, schema: string, tables: string[]): Promise<void> {
  await tx.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await tx.query(`CREATE SCHEMA ${schema}`);
  for (const table of [...tables, 'projection_checkpoints']) {
    const { rows } = await tx.query('SELECT pg_get_partkeydef(to_regclass($1)) AS partkey', [`public.${table}`]);
    const partitioned = rows[0].partkey ? ` PARTITION BY ${rows[0].partkey}` : '';
    await tx.query(`CREATE TABLE ${schema}.${table} (LIKE public.${table} INCLUDING ALL)${partitioned}`);
  }
}

export interface ReplayHandle {
  replayId: string;
  progress(): ReplayProgress;
  /** Resolves when the rebuilt tables are live (or the replay failed). */
  done: Promise<ReplayProgress>;
}

export async function startReplay(
  projection: Projection,
  deps: ProjectorDeps,
  onProgress: (p: ReplayProgress) => void = () => undefined,
): Promise<ReplayHandle> {
  const { db, kafka, topics, log } = deps;
  const topic = projection.topic(topics);
  const schema = `replay_${projection.name}`;
  const replayId = randomUUID();
  const rlog = log.child({ replay: replayId, projection: projection.name });

  // A replay whose process died leaves a "replaying" row behind; do not let it block forever.
  await db.query(
    `UPDATE projection_replays SET state = 'failed', error = 'abandoned', finished_at = now()
      WHERE projection = $1 AND state IN ('replaying', 'switching') AND updated_at < now() - interval '2 minutes'`,
    [projection.name],
  );
  const offsets = await kafka.partitionOffsets(topic);
  const total = offsets.reduce((a, o) => a + Number(o.high - o.low), 0);
  try {
    await db.query('INSERT INTO projection_replays (replay_id, projection, state, total) VALUES ($1, $2, $3, $4)', [replayId, projection.name, 'replaying', total]);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new ReplayAlreadyRunning(`a replay of ${projection.name} is already running`);
    throw err;
  }
  await inTransaction(db, (tx) => createShadowTables(tx, schema, projection.tables));

  const started = Date.now();
  const reached = new Map(offsets.map((o) => [o.partition, o.low]));
  const target = new Map(offsets.map((o) => [o.partition, o.high]));
  let processed = 0;
  let state: ReplayState = 'replaying';
  let error: string | null = null;
  let lastSaved = 0;

  const progress = (): ReplayProgress => ({
    replayId, projection: projection.name, state, processed: Math.min(processed, total), total,
    ...replayRate(processed, total, Date.now() - started), error,
  });
  const save = async (force = false) => {
    const p = progress();
    onProgress(p);
    if (!force && Date.now() - lastSaved < 500) return;
    lastSaved = Date.now();
    await db.query(
      `UPDATE projection_replays SET state = $2, processed = $3, updated_at = now(), error = $4,
              finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() END WHERE replay_id = $1`,
      [replayId, p.state, p.processed, p.error],
    );
  };

  /** Swaps the rebuilt tables in if the rebuild is at least as far as the live projector. */
  const trySwitch = () =>
    inTransaction(db, async (tx) => {
      await tx.query("SET LOCAL lock_timeout = '5s'");
      const live = await tx.query(
        'SELECT partition, next_offset FROM public.projection_checkpoints WHERE projection = $1 AND topic = $2 FOR UPDATE',
        [projection.name, topic],
      );
      const rebuilt = await tx.query(`SELECT partition, next_offset FROM ${schema}.projection_checkpoints WHERE projection = $1 AND topic = $2`, [projection.name, topic]);
      const rebuiltAt = new Map(rebuilt.rows.map((r) => [r.partition as number, BigInt(r.next_offset)]));
      if (live.rows.some((r) => (rebuiltAt.get(r.partition) ?? 0n) < BigInt(r.next_offset))) return false;

      const old = `replay_old_${projection.name}`;
      await tx.query(`DROP SCHEMA IF EXISTS ${old} CASCADE`);
      await tx.query(`CREATE SCHEMA ${old}`);
      for (const table of projection.tables) await moveTable(tx, table, 'public', old);
      for (const table of projection.tables) await moveTable(tx, table, schema, 'public');
      // Update in place (never delete): a live batch waiting on these rows then sees the new offsets.
      await tx.query(
        `INSERT INTO public.projection_checkpoints (projection, topic, partition, next_offset)
         SELECT projection, topic, partition, next_offset FROM ${schema}.projection_checkpoints WHERE projection = $1 AND topic = $2
         ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = excluded.next_offset, updated_at = now()`,
        [projection.name, topic],
      );
      await tx.query(`DROP SCHEMA ${old} CASCADE`);
      await tx.query(`DROP SCHEMA ${schema} CASCADE`);
      return true;
    });

  let consumer: RunningConsumer | undefined;
  let resolveDone!: (p: ReplayProgress) => void;
  const done = new Promise<ReplayProgress>((r) => (resolveDone = r));
  const finish = async (final: ReplayState, err?: unknown) => {
    state = final;
    error = err ? String((err as Error)?.message ?? err).slice(0, 500) : null;
    // Not from inside the batch that got us here: stopping waits for that batch to end.
    setImmediate(() => void consumer?.stop().catch(() => undefined));
    await save(true).catch(() => undefined);
    if (final === 'failed') {
      rlog.error({ error }, 'replay failed');
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    } else {
      rlog.info({ processed, total, ms: Date.now() - started }, 'replay switched in');
    }
    resolveDone(progress());
  };

  const caughtUp = () => [...target].every(([p, high]) => (reached.get(p) ?? 0n) >= high);
  const attempt = async () => {
    if (state !== 'replaying' || !caughtUp()) return;
    state = 'switching';
    try {
      if (await trySwitch()) return finish('done');
      state = 'replaying'; // the live projector is ahead: keep consuming and try again
    } catch (err) {
      if ((err as { code?: string }).code === '55P03') { state = 'replaying'; return; } // lock timeout: retry later
      await finish('failed', err);
    }
  };

  consumer = await runProjector(projection, deps, {
    schema,
    groupId: topics.group(`pulse-replay-${projection.name}-${replayId}`),
    deadLetters: false,
    notify: false,
    active: () => state === 'replaying',
    onApplyFailure: (reason) => finish('failed', new Error(reason)),
    onCommitted: async (partition, nextOffset, records) => {
      processed += records;
      reached.set(partition, nextOffset);
      await save();
      await attempt();
    },
  }).catch(async (err) => {
    await finish('failed', err);
    throw err;
  });
  rlog.info({ total }, 'replay started');
  if (caughtUp()) await attempt(); // an empty topic: nothing to wait for
  return { replayId, progress, done };
}
