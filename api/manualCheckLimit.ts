// Rate limits on "check now", per user and integration, shared by every API instance
// through Postgres (rate-limiter-flexible; table created by a migration).
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../platform/db.js';

export interface ManualCheckLimits {
  burst: number;
  burstSeconds: number;
  hourly: number;
}

/** Resolves to null when allowed, or the seconds to wait. */
export type ManualCheckLimiter = (userId: string, integrationId: string) => Promise<number | null>;

export function manualCheckLimiter(db: Db, limits: ManualCheckLimits): ManualCheckLimiter {
  const common = { storeClient: db, storeType: 'pool', tableName: 'rate_limits', tableCreated: true };
  const windows = [
    new RateLimiterPostgres({ ...common, keyPrefix: 'check-burst', points: limits.burst, duration: limits.burstSeconds }),
    new RateLimiterPostgres({ ...common, keyPrefix: 'check-hour', points: limits.hourly, duration: 3600 }),
  ];
  return async (userId, integrationId) => {
    const key = `${userId}:${integrationId}`;
    for (const window of windows) {
      try {
        await window.consume(key);
      } catch (res) {
        if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
        throw res;
      }
    }
    return null;
  };
}
