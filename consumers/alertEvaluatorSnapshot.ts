// The alert evaluator's snapshot in Postgres: state entries plus the input offsets they
// reflect, saved together in one transaction after Kafka transactions commit. It only
// shortens restarts — the truth is the log — so a save may lag, but it must never mix two
// points in time: a save from a process that has fallen behind (e.g. a fenced zombie) is
// refused by the progress guard.
import { inTransaction, type Db } from '../platform/db.js';
import { storable, storableText } from '../projections/storable.js';

export interface EvaluatorSnapshot {
  entries: { key: string; value: unknown }[];
  /** `${topic}:${partition}` → next offset to read. */
  offsets: Map<string, bigint>;
}

export const offsetKey = (topic: string, partition: number) => `${topic}:${partition}`;

export function splitOffsetKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}

export async function loadSnapshot(db: Db): Promise<EvaluatorSnapshot> {
  const entries = await db.query('SELECT key, value FROM alert_evaluator_state');
  const offsets = await db.query('SELECT topic, partition, next_offset FROM alert_evaluator_offsets');
  return {
    entries: entries.rows.map((r) => ({ key: r.key as string, value: r.value })),
    offsets: new Map(offsets.rows.map((r) => [offsetKey(r.topic, r.partition), BigInt(r.next_offset)])),
  };
}

/** Offsets only grow, so their sum orders the points in time of one evaluator lineage. */
export const progressOf = (offsets: Map<string, bigint>) => [...offsets.values()].reduce((a, b) => a + b, 0n);

/** Saves changed entries and all offsets; false if a newer snapshot is already stored. */
export async function saveSnapshot(db: Db, changes: { key: string; value: unknown | null }[], offsets: Map<string, bigint>): Promise<boolean> {
  const progress = progressOf(offsets);
  return inTransaction(db, async (tx) => {
    await tx.query('INSERT INTO alert_evaluator_progress (singleton, progress) VALUES (true, -1) ON CONFLICT DO NOTHING');
    const { rows } = await tx.query('SELECT progress FROM alert_evaluator_progress FOR UPDATE');
    if (BigInt(rows[0].progress) >= progress) return false;
    // State carries strings of events from anywhere (names, reasons): stored as a projection
    // stores them, U+0000 as U+FFFD, or one such event would fail every save from then on.
    const written = changes.filter((c) => c.value !== null).map((c) => ({ key: storableText(c.key), value: storable(c.value) }));
    const deleted = changes.filter((c) => c.value === null).map((c) => storableText(c.key));
    if (written.length) {
      await tx.query(
        `INSERT INTO alert_evaluator_state (key, value) SELECT k, v FROM unnest($1::text[], $2::jsonb[]) AS t(k, v)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [written.map((c) => c.key), written.map((c) => JSON.stringify(c.value))],
      );
    }
    if (deleted.length) await tx.query('DELETE FROM alert_evaluator_state WHERE key = ANY($1::text[])', [deleted]);
    const tps = [...offsets].map(([k, v]) => ({ ...splitOffsetKey(k), next: v.toString() }));
    await tx.query(
      `INSERT INTO alert_evaluator_offsets (topic, partition, next_offset)
       SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[])
       ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
      [tps.map((t) => t.topic), tps.map((t) => t.partition), tps.map((t) => t.next)],
    );
    await tx.query('UPDATE alert_evaluator_progress SET progress = $1', [progress.toString()]);
    return true;
  });
}
