// Postgres access: one pg pool for queries, knex only for migrations.
import pg from 'pg';
import knex from 'knex';
import path from 'node:path';
import { projectRoot } from './config.js';

// BIGINT counts and offsets come back as strings by default; they fit in a JS number here
// (offsets < 2^53), and treating them as numbers everywhere keeps the code honest.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Db = pg.Pool;
export type Tx = pg.PoolClient;

export function createDb(databaseUrl: string, max = 10, onIdleError: (err: Error) => void = () => undefined): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, application_name: 'pulse' });
  // An idle connection killed by the server (restart, failover) must not crash the process;
  // the pool drops it and the next query opens a new one.
  pool.on('error', onIdleError);
  return pool;
}

export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await db.connect();
  // A connection that breaks between two statements (the server restarting) emits 'error' on
  // the checked-out client, where the pool listens no more: unheard, it would crash the
  // process. Heard here, it surfaces as the next statement's failure, and the broken client is
  // discarded instead of going back to the pool.
  let broken: Error | undefined;
  const onError = (err: Error) => (broken ??= err);
  tx.on('error', onError);
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } catch (err) {
    broken ??= isTransientDbError(err) ? (err as Error) : undefined;
    await tx.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    tx.off('error', onError);
    tx.release(broken);
  }
}

export const migrationsDir = path.join(projectRoot, 'projections', 'migrations');

/** Applies every pending migration; returns the names applied. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const k = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  try {
    const [, applied] = (await k.migrate.latest({ directory: migrationsDir, loadExtensions: ['.ts'] })) as [number, string[]];
    return applied;
  } finally {
    await k.destroy();
  }
}

/** SQLSTATE classes that say "try again later": connection (08), serialization or deadlock (40),
 * resources (53), object in use or lock timeout (55), shutdown or cancel (57), system I/O (58). */
const TRANSIENT_SQLSTATE = /^(08|40|53|55|57|58)/;

/**
 * Postgres errors that say "try again later", as opposed to "this data can never apply".
 * Only an error the server raised about a statement (it carries a SQLSTATE) can judge the data.
 * Anything else on the way to the database — the connection terminated unexpectedly, refused,
 * reset, timed out, a pool that cannot connect — never reached a verdict, so it is transient.
 * Programming errors (TypeError and kin) are not about the database at all and are not retried.
 */
export function isTransientDbError(err: unknown): boolean {
  if (err instanceof pg.DatabaseError) return TRANSIENT_SQLSTATE.test(err.code ?? '');
  if (!(err instanceof Error)) return false;
  return !(err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError);
}
