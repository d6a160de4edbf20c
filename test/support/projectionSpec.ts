// "Given these events, then these rows": one projection's SQL against the run's migrated
// database, without Kafka. Each `given` is one batch, applied the way the projector applies
// it (one `apply` call inside the transaction); the `thenRows` step reads the tables in that
// same transaction, which is then rolled back, so a spec leaves nothing behind and never sees
// another spec's rows. The root hook (hooks.ts) creates and migrates the run's database.
import pg from 'pg';
import { loadConfig } from '../../platform/config.js';
import type { PulseEvent } from '../../health/events.js';
import type { Projection } from '../../projections/projection.js';

export interface Then {
  /** A query inside the spec's transaction (timestamps come back as Date, bigints as number). */
  rows<T = Record<string, any>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** What each batch's apply returned: the integration ids the projector would NOTIFY, in batch order. */
  changed: string[][];
}

export interface ProjectionSpec<E extends PulseEvent> {
  /** One more batch, delivered after the ones before it. */
  given(...batch: E[]): ProjectionSpec<E>;
  /** Applies the batches in one transaction, runs `then` in it, and rolls it back. */
  thenRows(then: (t: Then) => Promise<unknown>): Promise<void>;
}

let pool: pg.Pool | undefined;
// One small pool for the whole run, opened on first use (after the root hook set DATABASE_URL);
// idle connections do not keep mocha alive.
const database = () => (pool ??= new pg.Pool({ connectionString: loadConfig().databaseUrl, max: 2, allowExitOnIdle: true }));

export function projectionSpec<E extends PulseEvent>(projection: Projection<E>, batches: E[][] = []): ProjectionSpec<E> {
  return {
    given: (...batch) => projectionSpec(projection, [...batches, batch]),
    async thenRows(then) {
      const tx = await database().connect();
      try {
        await tx.query('BEGIN');
        const changed: string[][] = [];
        for (const batch of batches) {
          // The projector hands a projection only the events it handles; a spec that gives
          // another type has a mistake in it, not a case to cover.
          for (const e of batch as PulseEvent[]) if (!projection.handles(e)) throw new Error(`${projection.name} does not handle ${e.type}`);
          changed.push(await projection.apply(tx, batch));
        }
        await then({ rows: async (sql, params) => (await tx.query(sql, params)).rows, changed });
      } finally {
        await tx.query('ROLLBACK').catch(() => undefined);
        tx.release();
      }
    },
  };
}
