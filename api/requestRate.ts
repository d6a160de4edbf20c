// Request rates: at most N requests per minute per user (user API) or per admin session
// (/api/admin), counted in Postgres (rate-limiter-flexible, table `rate_limits`) so every API
// instance shares one count. One upsert per request; once a key is over its limit this process
// refuses it from memory until the window ends, so a flood costs Postgres nothing more.
//
// When Postgres does not answer, requests are counted in this process alone (a warning is
// logged, at most every 30 s): a limit per instance is better than none, and refusing everyone
// because the counter is down would turn a database blip into a full outage (the routes that
// need Postgres answer 503 on their own).
import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Db } from '../platform/db.js';
import type { Logger } from '../platform/logger.js';
import { HttpError } from './errors.js';

export interface RequestRate {
  readonly perMinute: number;
  /** Counts one request for `key`; says whether it is within the limit and what is left. */
  take(key: string): Promise<RateVerdict>;
}

export interface RateVerdict {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window ends (and the count starts again). */
  resetSeconds: number;
}

const windowSeconds = 60;
const warnEverySeconds = 30;
const hashed = (key: string) => createHash('sha256').update(key).digest('hex');

export function requestRate(db: Db, log: Logger, name: 'user' | 'admin', perMinute: number): RequestRate {
  const keyPrefix = `requests-${name}`;
  const shared = new RateLimiterPostgres({
    storeClient: db, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, keyPrefix,
    points: perMinute, duration: windowSeconds, inMemoryBlockOnConsumed: perMinute,
  });
  const local = new RateLimiterMemory({ keyPrefix, points: perMinute, duration: windowSeconds });
  let warnedAt = 0;
  const verdict = (res: RateLimiterRes, allowed: boolean): RateVerdict => ({
    allowed, remaining: Math.max(0, res.remainingPoints), resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });
  const consume = async (limiter: RateLimiterPostgres | RateLimiterMemory, key: string) => {
    try {
      return verdict(await limiter.consume(key), true);
    } catch (res) {
      if (res instanceof RateLimiterRes) return verdict(res, false);
      throw res;
    }
  };
  return {
    perMinute,
    async take(key) {
      const k = hashed(key);
      try {
        return await consume(shared, k);
      } catch (err) {
        if (Date.now() - warnedAt > warnEverySeconds * 1000) {
          warnedAt = Date.now();
          log.warn({ limiter: keyPrefix, err: { message: (err as Error)?.message } }, 'request rate: Postgres unavailable, counting in this process only');
        }
        return consume(local, k);
      }
    },
  };
}

/**
 * Counts one request against `key`, sets `RateLimit-Limit/Remaining/Reset` on the response,
 * and throws 429 (with Retry-After) past the limit.
 */
export async function countRequest(rate: RequestRate, res: Response, key: string, who: string): Promise<void> {
  const v = await rate.take(key);
  res.setHeader('RateLimit-Limit', String(rate.perMinute));
  res.setHeader('RateLimit-Remaining', String(v.remaining));
  res.setHeader('RateLimit-Reset', String(v.resetSeconds));
  if (!v.allowed) {
    res.setHeader('Retry-After', String(v.resetSeconds));
    throw new HttpError(429, 'rate_limited', `too many requests: at most ${rate.perMinute} a minute ${who}; try again in ${v.resetSeconds} s`);
  }
}

/** Middleware (after authentication): counts the request against `keyOf(res)`. */
export function limitRequests(rate: RequestRate, keyOf: (res: Response) => string, who: string): RequestHandler {
  return async (_req, res, next) => {
    await countRequest(rate, res, keyOf(res), who);
    next();
  };
}
