import { expect } from 'chai';
import { refreshDue } from '../../producers/checkIntegration.js';
import { nextAfter, retryDelayMs } from '../../producers/schedule.js';
import { statusFromCheck } from '../../health/statusRules.js';
import { aCheck, aFailedCheck } from '../support/checks.js';

const policy = { maxAttempts: 3, baseMs: 1_000, capMs: 8_000 };

describe('retry backoff', () => {
  it('grows exponentially with full jitter under a cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, null, policy, () => 0.999999))).to.deep.equal([1_000, 2_000, 4_000, 8_000, 8_000]);
    expect(retryDelayMs(3, null, policy, () => 0)).to.equal(0);
    expect(retryDelayMs(3, null, policy, () => 0.5)).to.equal(2_000);
  });

  it('never retries sooner than Retry-After', () => {
    expect(retryDelayMs(1, 30, policy, () => 0.1)).to.equal(30_000);
  });

  it('retries transient failures up to the attempt limit, then goes back to the interval', () => {
    const failure = (attempt: number, code = 'server_error') => ({ outcome: 'failed', attempt, error: { code, retryAfterSeconds: null } });
    expect(nextAfter(failure(1), 300, 0, policy, () => 0.5)).to.deep.equal({ delayMs: 500, trigger: 'retry', attempt: 2 });
    expect(nextAfter(failure(2), 300, 0, policy, () => 0.5)).to.deep.equal({ delayMs: 1_000, trigger: 'retry', attempt: 3 });
    expect(nextAfter(failure(3), 300, 0, policy, () => 0.5)).to.deep.equal({ delayMs: 300_000, trigger: 'scheduled', attempt: 1 });
    expect(nextAfter(failure(1, 'token_revoked'), 300, 0, policy, () => 0.5).trigger).to.equal('scheduled');
    expect(nextAfter({ outcome: 'succeeded', attempt: 2, error: null }, 300, 0, policy, () => 0.5)).to.deep.equal({ delayMs: 300_000, trigger: 'scheduled', attempt: 1 });
  });

  it('keeps honouring Retry-After when retries are used up', () => {
    const limited = { outcome: 'failed', attempt: 3, error: { code: 'rate_limited', retryAfterSeconds: 900 } };
    expect(nextAfter(limited, 300, 0, policy, () => 0.5).delayMs).to.equal(900_000);
  });
});

describe('token refresh timing', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  const creds = { accessToken: 'a', refreshToken: 'r', appToken: null, scopes: [], accountHint: null, expiresAt: now + 3_600_000, refreshedAt: now - 60_000 };

  it('refreshes ahead of expiry and at least daily, and never without a refresh token', () => {
    expect(refreshDue(creds, now, 300_000)).to.equal(null);
    expect(refreshDue({ ...creds, expiresAt: now + 200_000 }, now, 300_000)).to.equal('ahead_of_expiry');
    expect(refreshDue({ ...creds, refreshedAt: now - 25 * 3_600_000 }, now, 300_000)).to.equal('daily');
    expect(refreshDue({ ...creds, refreshToken: null, expiresAt: now }, now, 300_000)).to.equal(null);
  });
});

describe('status rules for provider errors', () => {
  const rules = { slowCheckMs: 2000, failuresBeforeRed: 3 };
  it('is red at once when the user must reconnect', () => {
    for (const code of ['token_revoked', 'scope_missing', 'token_expired', 'write_permission_missing']) {
      expect(statusFromCheck(aFailedCheck(code), 1, rules), code).to.equal('red');
    }
  });

  it('stays yellow while the provider rate-limits, however long it lasts', () => {
    expect(statusFromCheck(aFailedCheck('rate_limited'), 10, rules)).to.equal('yellow');
  });

  it('warns when a token expires within a day and cannot be refreshed', () => {
    const t = Date.parse('2026-11-22T12:00:00Z');
    expect(statusFromCheck(aCheck({ startedAt: t, tokenExpiresAt: t + 3_600_000, tokenRefreshable: false }), 0, rules)).to.equal('yellow');
    expect(statusFromCheck(aCheck({ startedAt: t, tokenExpiresAt: t + 3_600_000, tokenRefreshable: true }), 0, rules)).to.equal('green');
  });
});
