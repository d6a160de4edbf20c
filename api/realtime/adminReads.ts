// Reads behind admin subscriptions: a scope can hold every integration there is, so its
// snapshot is capped to the most recently changed ones (newest first), and a resume asks
// only for what changed since. Ids first, then the same row loader users get, so an admin
// sees exactly the view a user would.
import type { Db } from '../../platform/db.js';
import { integrationHealthMany, type LiveHealth } from '../readModel.js';
import type { AdminScope } from './subscriptions.js';

/** At most this many integrations in an admin scope's snapshot. */
export const ADMIN_SNAPSHOT_LIMIT = 500;

export interface Capped {
  rows: LiveHealth[];
  /** More integrations matched than the cap. */
  truncated: boolean;
}

/** The scope's active integrations whose version is after `sinceMs` (all if null), most recently changed first, capped. */
export async function recentlyChanged(db: Db, docsBaseUrl: string, scope: AdminScope, sinceMs: number | null, limit = ADMIN_SNAPSHOT_LIMIT): Promise<Capped> {
  const { rows } = await db.query(
    `SELECT i.integration_id
       FROM integrations i LEFT JOIN integration_health_checks h USING (integration_id)
      WHERE i.state = 'active'
        AND ($1::text IS NULL OR i.provider = $1)
        AND ($2::bigint IS NULL OR greatest(h.last_checked_at, i.updated_at) > to_timestamp($2 / 1000.0))
      ORDER BY greatest(h.last_checked_at, i.updated_at) DESC, i.integration_id
      LIMIT $3`,
    [scope.kind === 'provider' ? scope.provider : null, sinceMs, limit + 1],
  );
  const ids = rows.slice(0, limit).map((r) => r.integration_id as string);
  const loaded = await integrationHealthMany(db, ids, docsBaseUrl);
  return { rows: loaded.sort((a, b) => b.version - a.version), truncated: rows.length > limit };
}

/** The provider of each of these integrations that exists at all (active or disconnected). */
export async function providersOf(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query('SELECT integration_id, provider FROM integrations WHERE integration_id = ANY($1)', [ids]);
  return new Map(rows.map((r) => [r.integration_id as string, r.provider as string]));
}
