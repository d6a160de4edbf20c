// Brute-force protection for admin logins (and password changes): failed attempts are counted
// per email and per source IP in Postgres (rate-limiter-flexible, table `rate_limits`), so
// every API instance shares them. Once either count reaches its limit within the window,
// attempts answer 429 with Retry-After — even with the right password — until the window
// passes. A successful login clears its email's count (not the IP's). Keys are sha256 hashes:
// whatever someone typed as an email (perhaps a password) is never stored.
import { createHash } from 'node:crypto';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../platform/db.js';

export interface AdminLoginLimits {
  failuresPerEmail: number;
  failuresPerIp: number;
  windowMinutes: number;
}

export interface AdminLoginLimiter {
  /** Seconds to wait when the email or the IP is locked out, else null. */
  retryAfter(ip: string, email: string): Promise<number | null>;
  failed(ip: string, email: string): Promise<void>;
  succeeded(email: string): Promise<void>;
}

const key = (s: string) => createHash('sha256').update(s).digest('hex');

export function adminLoginLimiter(db: Db, limits: AdminLoginLimits): AdminLoginLimiter {
  const common = { storeClient: db, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, duration: limits.windowMinutes * 60 };
  const byEmail = new RateLimiterPostgres({ ...common, keyPrefix: 'admin-login-email', points: limits.failuresPerEmail });
  const byIp = new RateLimiterPostgres({ ...common, keyPrefix: 'admin-login-ip', points: limits.failuresPerIp });
  const pairs = (ip: string, email: string) => [[byEmail, key(email), limits.failuresPerEmail], [byIp, key(ip), limits.failuresPerIp]] as const;
  return {
    async retryAfter(ip, email) {
      let wait: number | null = null;
      for (const [limiter, k, points] of pairs(ip, email)) {
        const res = await limiter.get(k);
        if (res && res.consumedPoints >= points) wait = Math.max(wait ?? 0, Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
      }
      return wait;
    },
    async failed(ip, email) {
      for (const [limiter, k] of pairs(ip, email)) {
        await limiter.consume(k).catch((res) => {
          if (!(res instanceof RateLimiterRes)) throw res; // over the limit already: still counted
        });
      }
    },
    async succeeded(email) {
      await byEmail.delete(key(email));
    },
  };
}
