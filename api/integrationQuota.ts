// Integrations per user (MAX_INTEGRATIONS_PER_USER, docs/security.md#limits), exact under
// concurrency across API instances. The API never writes projections and the `integrations`
// projection lags behind Kafka, so the count lives in a table the API owns, `integration_slots`:
// a connect claims a slot in a transaction that first takes a per-user advisory lock, counts the
// user's slots and inserts one, all before IntegrationConnected is produced. Two connects of one
// user, on any instances, are thereby serialised; a slot is given back when the produce fails and
// when the integration is disconnected.
//
// A process that dies between claiming and producing leaves a slot with no integration behind.
// Such leftovers are reclaimed only when the user is at the limit: slots claimed over an hour ago
// whose integration the projection does not know, or knows as disconnected.
import type { Db } from '../platform/db.js';
import { inTransaction } from '../platform/db.js';
import { HttpError } from './errors.js';

export interface IntegrationQuota {
  readonly max: number;
  /** Throws 409 when the user has no slot left (asked before sending them to an OAuth consent page). */
  ensureRoom(userId: string): Promise<void>;
  /** Takes a slot for the integration, or throws 409. Resolves to false when it already held one (a repeated connect). */
  claim(userId: string, integrationId: string): Promise<boolean>;
  /** Gives the integration's slot back. */
  release(integrationId: string): Promise<void>;
}

/** Advisory lock class of the per-user slot lock (the second key is hashtext(user id)). */
const lockClass = 0x51075; // "slots"
const staleAfter = '1 hour';

export const quotaExceeded = (max: number) =>
  new HttpError(409, 'quota_exceeded', `you have ${max} integrations, the most allowed; disconnect one to add another`);

export function integrationQuota(db: Db, max: number): IntegrationQuota {
  const held = async (q: Pick<Db, 'query'>, userId: string) =>
    Number((await q.query('SELECT count(*) AS n FROM integration_slots WHERE user_id = $1', [userId])).rows[0].n);
  const reclaimStale = (q: Pick<Db, 'query'>, userId: string) => q.query(
    `DELETE FROM integration_slots s
      WHERE s.user_id = $1 AND s.claimed_at < now() - $2::interval
        AND NOT EXISTS (SELECT 1 FROM integrations i WHERE i.integration_id = s.integration_id AND i.state = 'active')`,
    [userId, staleAfter],
  );
  return {
    max,
    async ensureRoom(userId) {
      if ((await held(db, userId)) < max) return;
      await reclaimStale(db, userId);
      if ((await held(db, userId)) >= max) throw quotaExceeded(max);
    },
    async claim(userId, integrationId) {
      return inTransaction(db, async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [lockClass, userId]);
        const mine = await tx.query('SELECT 1 FROM integration_slots WHERE integration_id = $1', [integrationId]);
        if (mine.rowCount) return false;
        if ((await held(tx, userId)) >= max) {
          await reclaimStale(tx, userId);
          if ((await held(tx, userId)) >= max) throw quotaExceeded(max);
        }
        await tx.query('INSERT INTO integration_slots (integration_id, user_id) VALUES ($1, $2)', [integrationId, userId]);
        return true;
      });
    },
    async release(integrationId) {
      await db.query('DELETE FROM integration_slots WHERE integration_id = $1', [integrationId]);
    },
  };
}

/**
 * Runs `record` (the produce of IntegrationConnected) holding a slot for the integration: claimed
 * first (409 when none is left), given back if `record` fails and the slot was taken for it.
 */
export async function inSlot<T>(quota: IntegrationQuota, userId: string, integrationId: string, record: () => Promise<T>): Promise<T> {
  const claimed = await quota.claim(userId, integrationId);
  try {
    return await record();
  } catch (err) {
    if (claimed) await quota.release(integrationId).catch(() => undefined);
    throw err;
  }
}
