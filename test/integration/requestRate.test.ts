import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { adminSession, createTestAdmin } from '../support/adminSession.js';
import { startPulse, type ApiResponse, type RunningPulse } from '../support/pulse.js';

const LIMIT = 5;

// A burst from one user (or one admin session) spread over two API instances: the count is
// shared, so never more than LIMIT succeed within the minute, whichever instance answers.
describe('request rates per user and per admin session, shared by two API instances', function () {
  this.timeout(120_000);
  let a: RunningPulse;
  let b: RunningPulse;
  const overrides = { USER_REQUESTS_PER_MINUTE: String(LIMIT), ADMIN_REQUESTS_PER_MINUTE: String(LIMIT) };
  const via = (i: number) => (i % 2 ? b : a);

  before(async () => {
    [a, b] = await Promise.all([startPulse({ roles: ['api'], overrides }), startPulse({ roles: ['api'], overrides })]);
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  const expectLimited = (answers: ApiResponse[], ok: number) => {
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === ok), `statuses ${statuses}`).to.have.length(LIMIT);
    expect(statuses.filter((s) => s === 429), `statuses ${statuses}`).to.have.length(answers.length - LIMIT);
    // The allowed ones counted down one shared budget: each remaining value once.
    const remaining = answers.filter((r) => r.status === ok).map((r) => Number(r.headers.get('ratelimit-remaining'))).sort();
    expect(remaining).to.deep.equal(Array.from({ length: LIMIT }, (_, i) => i));
    for (const res of answers) {
      expect(res.headers.get('ratelimit-limit')).to.equal(String(LIMIT));
      expect(Number(res.headers.get('ratelimit-reset'))).to.be.within(1, 60);
    }
    for (const res of answers.filter((r) => r.status === 429)) {
      expect(res.body.error.code).to.equal('rate_limited');
      expect(res.body.error.message).to.match(/^too many requests: at most 5 a minute per (user|admin session); try again in \d+ s$/);
      expect(Number(res.headers.get('retry-after'))).to.be.within(1, 60);
    }
  };

  it(`lets a user make ${LIMIT} requests a minute across both instances, then answers 429 with Retry-After; other users are unaffected`, async () => {
    const token = a.tokenFor(`rate-user-${randomBytes(3).toString('hex')}`);
    const answers = await Promise.all(Array.from({ length: 4 * LIMIT }, (_, i) => via(i).api('GET', '/api/integrations', { token })));
    expectLimited(answers, 200);
    // Writes count against the same budget and are refused before anything is recorded.
    const write = await b.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: 'x', config: { url: 'http://127.0.0.1:9/' } } });
    expect(write.status).to.equal(429);
    expect((await a.api('GET', '/api/integrations', { token: a.tokenFor(`rate-other-${randomBytes(3).toString('hex')}`) })).status).to.equal(200);
    // Anonymous requests are not counted against anyone (they are refused by authentication).
    expect((await a.api('GET', '/api/integrations')).status).to.equal(401);
  });

  it(`lets an admin session make ${LIMIT} requests a minute across both instances; another session of the same admin has its own budget`, async () => {
    const creds = await createTestAdmin(a);
    const first = await adminSession(a, creds);
    const second = await adminSession(b, creds);
    const calls = [a, b].map((p) => (path: string) => p.api('GET', path, { headers: { cookie: first.cookie } }));
    const answers = await Promise.all(Array.from({ length: 4 * LIMIT }, (_, i) => calls[i % 2]!('/api/admin/session')));
    expectLimited(answers, 200);
    expect((await second('GET', '/api/admin/session')).status).to.equal(200);
    // Logging in is not an admin-session request: it keeps its own attempt limits.
    expect((await a.api('POST', '/api/admin/session', { body: creds })).status).to.equal(200);
  });
});
