// Monthly partitions of integration_health_history (by event time, UTC). Names are
// unqualified on purpose: a replay creates them in its own schema through search_path.
import type { Tx } from '../platform/db.js';
import { bucketStart } from '../health/checkRollup.js';

export const historyTable = 'integration_health_history';

export function partitionName(monthStart: number): string {
  const d = new Date(monthStart);
  return `${historyTable}_p${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function nextMonth(monthStart: number): number {
  const d = new Date(monthStart);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** Creates the monthly partitions covering these event times, if missing. */
export async function ensureMonthPartitions(tx: Tx, eventTimes: number[]): Promise<string[]> {
  const months = [...new Set(eventTimes.map((t) => bucketStart(t, 'month')))];
  const created: string[] = [];
  for (const month of months) {
    const name = partitionName(month);
    // Look in the schema we write to (a replay's own), not wherever search_path finds a match.
    const { rows } = await tx.query("SELECT to_regclass(current_schema() || '.' || $1) IS NOT NULL AS present", [name]);
    if (rows[0].present) continue;
    // Another projector instance may create the same partition at the same moment; a
    // savepoint lets us shrug that off without aborting the batch's transaction.
    await tx.query('SAVEPOINT ensure_partition');
    try {
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${historyTable} FOR VALUES FROM ('${new Date(month).toISOString()}') TO ('${new Date(nextMonth(month)).toISOString()}')`,
      );
      await tx.query('RELEASE SAVEPOINT ensure_partition');
      created.push(name);
    } catch (err) {
      await tx.query('ROLLBACK TO SAVEPOINT ensure_partition');
      if (!['42P07', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
    }
  }
  return created;
}
