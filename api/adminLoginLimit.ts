// Brute-force protection for admin logins (and password changes): attempts are counted per
// email and per source IP in Postgres (rate-limiter-flexible, table `rate_limits`), so every API
// instance shares them. An attempt takes its point BEFORE the password is verified — one atomic
// upsert per key — so parallel guesses cannot all pass a check made while the others are still
// hashing: with a limit of 5, ten at once give at most five 401s and the rest 429. Past either
// limit, attempts answer 429 with Retry-After, even with the right password, until the window
// passes. A successful attempt gives its points back and clears its email's count, so only
// failures add up. Keys are sha256 hashes: whatever someone typed as an email (perhaps a
// password) is never stored.
import { createHash } from 'node:crypto';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../platform/db.js';

export interface AdminLoginLimits {
  failuresPerEmail: number;
  failuresPerIp: number;
  windowMinutes: number;
}

export type AttemptVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface AdminLoginLimiter {
  /** Takes one attempt from the email's and the IP's allowance, before the password is checked. */
  attempt(ip: string, email: string): Promise<AttemptVerdict>;
  /** The attempt was right: its points come back and the email's failures are forgotten. */
  succeeded(ip: string, email: string): Promise<void>;
}

const key = (s: string) => createHash('sha256').update(s).digest('hex');

export function adminLoginLimiter(db: Db, limits: AdminLoginLimits): AdminLoginLimiter {
  const common = { storeClient: db, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, duration: limits.windowMinutes * 60 };
  const byEmail = new RateLimiterPostgres({ ...common, keyPrefix: 'admin-login-email', points: limits.failuresPerEmail });
  const ipPrefix = 'admin-login-ip';
  const byIp = new RateLimiterPostgres({ ...common, keyPrefix: ipPrefix, points: limits.failuresPerIp });
  /** Resolves to null when within the limit, else the seconds to wait. */
  const take = async (limiter: RateLimiterPostgres, k: string): Promise<number | null> => {
    try {
      await limiter.consume(k);
      return null;
    } catch (res) {
      if (res instanceof RateLimiterRes) return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw res;
    }
  };
  return {
    async attempt(ip, email) {
      const [emailWait, ipWait] = await Promise.all([take(byEmail, key(email)), take(byIp, key(ip))]);
      if (emailWait === null && ipWait === null) return { allowed: true };
      // A refused attempt is never checked, so it costs the other key nothing: a locked-out
      // address cannot go on locking out someone's account, nor the reverse.
      if (emailWait === null) await byEmail.reward(key(email));
      if (ipWait === null) await byIp.reward(key(ip));
      return { allowed: false, retryAfterSeconds: Math.max(emailWait ?? 0, ipWait ?? 0) };
    },
    async succeeded(ip, email) {
      await byEmail.delete(key(email));
      await byIp.reward(key(ip));
      // Nothing left to count: drop the row, unless a concurrent failure has counted again meanwhile.
      await db.query('DELETE FROM rate_limits WHERE key = $1 AND points <= 0', [`${ipPrefix}:${key(ip)}`]);
    },
  };
}
