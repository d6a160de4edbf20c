import { expect } from 'chai';
import { clockSkewSeconds, userClaimsProblem } from '../../api/userTokenClaims.js';

describe('user token claims', () => {
  const now = 1_800_000_000;
  const rules = { maxLifetimeSeconds: 24 * 3600 };
  const claims = (extra: Record<string, unknown>) => ({ sub: 'alice', aud: 'pulse-user', iat: now - 60, exp: now + 3600, ...extra });
  const problem = (extra: Record<string, unknown>) => userClaimsProblem(claims(extra), now, rules);

  it('accepts a token within its lifetime, for exactly the user audience', () => {
    expect(problem({})).to.equal(null);
    expect(problem({ aud: ['pulse-user'] }), 'a one-element array').to.equal(null);
    expect(problem({ iat: now, exp: now + 24 * 3600 }), 'exactly the longest lifetime').to.equal(null);
    expect(problem({ iat: undefined, exp: now + 24 * 3600 }), 'no iat: the lifetime left counts').to.equal(null);
  });

  it('refuses a token without exp, or with one that is not a number', () => {
    expect(problem({ exp: undefined })).to.equal('no expiry');
    expect(problem({ exp: String(now + 60) })).to.equal('no expiry');
    expect(problem({ exp: Number.POSITIVE_INFINITY })).to.equal('no expiry');
  });

  it('refuses an expired token', () => {
    expect(problem({ iat: now - 7200, exp: now - 1 })).to.equal('expired');
    expect(problem({ iat: now - 7200, exp: now })).to.equal('expired');
  });

  it('refuses a lifetime over the limit, measured from iat or, without one, from now', () => {
    expect(problem({ iat: now - 3600, exp: now + 23 * 3600 + 1 })).to.equal('lifetime too long');
    expect(problem({ iat: undefined, exp: now + 24 * 3600 + clockSkewSeconds + 1 })).to.equal('lifetime too long');
    // An iat in the future cannot stretch what is left beyond the limit.
    expect(problem({ iat: now + 3600, exp: now + 25 * 3600 })).to.equal('lifetime too long');
    expect(problem({ iat: 'yesterday' })).to.equal('malformed issued-at');
  });

  it('refuses any audience but exactly pulse-user', () => {
    for (const aud of [undefined, 'pulse-admin', 'pulse-oauth', ['pulse-user', 'other'], ['other', 'pulse-user'], ['pulse-user', 'pulse-user'], [], 'PULSE-USER']) {
      expect(problem({ aud }), JSON.stringify(aud)).to.equal('wrong audience');
    }
  });

  it('refuses a token without a subject', () => {
    expect(problem({ sub: undefined })).to.equal('no subject');
    expect(problem({ sub: '' })).to.equal('no subject');
    expect(problem({ sub: 42 })).to.equal('no subject');
  });

  it('follows the configured lifetime', () => {
    expect(userClaimsProblem(claims({ iat: now, exp: now + 2 * 3600 }), now, { maxLifetimeSeconds: 3600 })).to.equal('lifetime too long');
    expect(userClaimsProblem(claims({ iat: now, exp: now + 3600 }), now, { maxLifetimeSeconds: 3600 })).to.equal(null);
  });
});
