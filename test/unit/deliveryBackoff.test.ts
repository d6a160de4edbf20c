import { expect } from 'chai';
import { backoffDelayMs, parseRetryAfter } from '../../alerting/delivery/index.js';

describe('webhook retry timing', () => {
  const policy = { baseMs: 1000, capMs: 30_000 };

  it('waits a random share of base·2^(attempt-1) (full jitter), up to the cap', () => {
    expect(backoffDelayMs(1, policy, () => 0)).to.equal(0);
    expect(backoffDelayMs(1, policy, () => 0.5)).to.equal(500);
    expect(backoffDelayMs(3, policy, () => 0.5)).to.equal(2000);
    expect(backoffDelayMs(3, policy, () => 0.999999)).to.be.closeTo(4000, 1);
    expect(backoffDelayMs(20, policy, () => 0.999999)).to.be.closeTo(30_000, 1);
  });

  it('never retries sooner than Retry-After, nor waits longer than the cap for it', () => {
    expect(backoffDelayMs(1, policy, () => 0.5, 7000)).to.equal(7000);
    expect(backoffDelayMs(5, policy, () => 0.999999, 7000)).to.be.closeTo(16_000, 1);
    expect(backoffDelayMs(1, policy, () => 0, 3_600_000)).to.equal(30_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).to.equal(7000);
    expect(parseRetryAfter(' 0 ', now)).to.equal(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:42 GMT', now)).to.equal(42_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('soon', now)).to.equal(null);
    expect(parseRetryAfter('-5', now)).to.equal(null);
    expect(parseRetryAfter(undefined, now)).to.equal(null);
  });

});
