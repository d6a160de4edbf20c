// Retention: per-check detail is kept HISTORY_RETENTION_DAYS, hourly rollups
// HOURLY_ROLLUP_RETENTION_MONTHS, monthly rollups forever. Whole monthly partitions are
// dropped once every row in them has aged out; the rest is deleted row by row. The same job
// creates the next months' partitions ahead of time so inserts rarely need DDL.
import type { Db } from '../platform/db.js';
import { inTransaction } from '../platform/db.js';
import { bucketStart } from '../health/checkRollup.js';
import { ensureMonthPartitions, historyTable, nextMonth } from './historyPartitions.js';

export interface RetentionSettings {
  historyDays: number;
  hourlyRollupMonths: number;
}

export interface RetentionPlan {
  dropPartitions: string[];
  historyCutoff: number;
  hourlyRollupCutoff: number;
  /** Month starts whose partitions should exist (this month and the next two). */
  monthsAhead: number[];
}

const partitionMonth = new RegExp(`^${historyTable}_p(\\d{4})_(\\d{2})$`);

/** Pure: what to remove and create at `now`, given the history partitions that exist. */
export function retentionPlan(now: number, partitions: string[], settings: RetentionSettings): RetentionPlan {
  const historyCutoff = now - settings.historyDays * 86_400_000;
  const d = new Date(now);
  const hourlyRollupCutoff = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - settings.hourlyRollupMonths, d.getUTCDate(), d.getUTCHours());
  const dropPartitions = partitions.filter((name) => {
    const m = partitionMonth.exec(name);
    if (!m) return false;
    const end = nextMonth(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    return end <= historyCutoff;
  }).sort();
  const thisMonth = bucketStart(now, 'month');
  const monthsAhead = [thisMonth, nextMonth(thisMonth), nextMonth(nextMonth(thisMonth))];
  return { dropPartitions, historyCutoff, hourlyRollupCutoff, monthsAhead };
}

export interface RetentionResult {
  droppedPartitions: string[];
  deletedHistoryRows: number;
  deletedHourlyRollups: number;
  createdPartitions: string[];
}

export async function applyRetention(db: Db, now: number, settings: RetentionSettings): Promise<RetentionResult> {
  const { rows } = await db.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1)`,
    [historyTable],
  );
  const plan = retentionPlan(now, rows.map((r) => r.name as string), settings);
  return inTransaction(db, async (tx) => {
    // Several projector processes run this job; one at a time is enough.
    const { rows: lock } = await tx.query("SELECT pg_try_advisory_xact_lock(hashtext('pulse_retention')) AS got");
    if (!lock[0].got) return { droppedPartitions: [], deletedHistoryRows: 0, deletedHourlyRollups: 0, createdPartitions: [] };
    for (const name of plan.dropPartitions) await tx.query(`DROP TABLE IF EXISTS ${name}`);
    const history = await tx.query(`DELETE FROM ${historyTable} WHERE completed_at < to_timestamp($1 / 1000.0)`, [plan.historyCutoff]);
    let deletedHourlyRollups = 0;
    for (const table of ['health_rollups_integration', 'health_rollups_provider']) {
      const r = await tx.query(`DELETE FROM ${table} WHERE granularity = 'hour' AND bucket_start < to_timestamp($1 / 1000.0)`, [plan.hourlyRollupCutoff]);
      deletedHourlyRollups += r.rowCount ?? 0;
    }
    const createdPartitions = await ensureMonthPartitions(tx, plan.monthsAhead);
    return { droppedPartitions: plan.dropPartitions, deletedHistoryRows: history.rowCount ?? 0, deletedHourlyRollups, createdPartitions };
  });
}
