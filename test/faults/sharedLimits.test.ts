import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { createTestAdmin } from '../support/adminSession.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type ApiResponse, type RunningPulse } from '../support/pulse.js';
import { decodeAll, readTopic } from '../support/topicReader.js';
import { startApiProcess, type ApiProcess } from './support/limitsApiProcess.js';

const BURST = 3;
const FAILURES_PER_EMAIL = 4;
const WINDOW_MINUTES = 15;

describe('two API processes sharing the Postgres-backed limits', function () {
  this.timeout(240_000); // a ceiling for a hang: two API processes start under tsx, scrypt logins crawl on a busy machine
  let env: OwnEnvironment;
  let projectors: RunningPulse;
  let apis: ApiProcess[] = [];
  /** The i-th request goes to one process, the next to the other. */
  const alternate = (i: number) => apis[i % 2]!;

  before(async () => {
    // Limits that are not the defaults, so a count kept per process (or a default) shows.
    env = await ownEnvironment('shared-limits', {
      MANUAL_CHECK_BURST: String(BURST),
      MANUAL_CHECK_BURST_SECONDS: '3600', // the window outlasts the test however slow the machine
      MANUAL_CHECK_HOURLY: '20',
      ADMIN_LOGIN_FAILURES_PER_EMAIL: String(FAILURES_PER_EMAIL),
      ADMIN_LOGIN_FAILURES_PER_IP: '1000', // the per-IP limit (all from 127.0.0.1) must not be what answers
      ADMIN_LOGIN_WINDOW_MINUTES: String(WINDOW_MINUTES),
    });
    // The integrations projection: "check now" needs the integration to exist in the read model.
    projectors = await startPulse({ roles: ['projectors'], overrides: env.overrides });
    // The integrations point at 127.0.0.1:80 (never checked here: no worker), which the API must accept.
    apis = await Promise.all(['api-a', 'api-b'].map((name) => startApiProcess(name, { ...env.overrides, EGRESS_ALLOW: '127.0.0.1:80' })));
  });
  after(async () => {
    for (const api of apis) await api.stop();
    await projectors?.stop();
    await env?.drop();
  });

  const connectHttp = async (token: string, name: string): Promise<string> => {
    const created = await apis[0]!.call('POST', '/api/integrations', { token, body: { provider: 'http', displayName: name, config: { url: `http://127.0.0.1/${name}` }, checkIntervalSeconds: 3600 } });
    expect(created.status, created.text).to.equal(202);
    const id = created.body.id as string;
    await eventually(async () => (await apis[1]!.call('GET', `/api/integrations/${id}/health`, { token })).status === 200, 'the integration in the read model');
    return id;
  };
  const retryAfter = (res: ApiResponse) => Number(res.headers.get('retry-after'));
  const commandsFor = async (id: string) => {
    const config = env.config();
    const records = (await readTopic(config, projectors.rt.topics.commands)).filter((r) => r.key === id);
    return (await decodeAll(config, records)) as { requestId: string }[];
  };

  it(`holds the manual-check limit across both: alternating requests get exactly ${BURST} × 202, then 429 with Retry-After from either`, async () => {
    const token = projectors.tokenFor(`limits-user-${randomBytes(3).toString('hex')}`);
    const id = await connectHttp(token, 'alternating');
    const answers: { via: string; res: ApiResponse }[] = [];
    for (let i = 0; i < BURST + 3; i++) {
      const api = alternate(i);
      answers.push({ via: api.name, res: await api.call('POST', `/api/integrations/${id}/health/check`, { token }) });
    }
    expect(answers.map((a) => `${a.via} ${a.res.status}`)).to.deep.equal(answers.map((a, i) => `${a.via} ${i < BURST ? 202 : 429}`));
    const refused = answers.slice(BURST);
    expect(new Set(refused.map((a) => a.via)), 'refused by both processes').to.have.property('size', 2);
    for (const { res } of refused) {
      expect(res.body.error.code).to.equal('rate_limited');
      expect(retryAfter(res)).to.be.within(1, 3600);
    }
    // Every 202 is a command on the topic, and nothing else is.
    const accepted = answers.slice(0, BURST).map((a) => a.res.body.requestId as string);
    expect((await commandsFor(id)).map((c) => c.requestId).sort()).to.deep.equal([...accepted].sort());
  });

  it(`holds it for concurrent requests too: ${4 * BURST} at once through both processes, ${BURST} accepted`, async () => {
    const token = projectors.tokenFor(`limits-user-${randomBytes(3).toString('hex')}`);
    const id = await connectHttp(token, 'concurrent');
    const answers = await Promise.all(Array.from({ length: 4 * BURST }, (_, i) => alternate(i).call('POST', `/api/integrations/${id}/health/check`, { token })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 202), `statuses ${statuses}`).to.have.length(BURST);
    expect(statuses.filter((s) => s === 429), `statuses ${statuses}`).to.have.length(3 * BURST);
    expect((await commandsFor(id)).map((c) => c.requestId).sort()).to.deep.equal(answers.filter((r) => r.status === 202).map((r) => r.body.requestId).sort());
  });

  it(`counts wrong admin passwords from both against one per-email limit of ${FAILURES_PER_EMAIL}; then both refuse, the right password too, until the window passes`, async () => {
    const creds = await createTestAdmin(projectors);
    const login = (api: ApiProcess, password: string) => api.call('POST', '/api/admin/session', { body: { email: creds.email, password } });
    // One attempt at a time, alternating: each process sees the other's count.
    const attempts: string[] = [];
    const refused: ApiResponse[] = [];
    for (let i = 0; i < FAILURES_PER_EMAIL + 2; i++) {
      const api = alternate(i);
      const res = await login(api, `wrong-${i}-password`);
      attempts.push(`${api.name} ${res.status}`);
      if (res.status === 429) refused.push(res);
    }
    expect(attempts).to.deep.equal(attempts.map((a, i) => `${alternate(i).name} ${i < FAILURES_PER_EMAIL ? 401 : 429}`));
    for (const res of refused) {
      expect(res.body.error.code).to.equal('too_many_attempts');
      expect(retryAfter(res)).to.be.within(1, WINDOW_MINUTES * 60);
    }
    for (const api of apis) expect((await login(api, creds.password)).status, `right password via ${api.name} while locked`).to.equal(429);

    // The window passes: moved in the shared store rather than waited for (a quarter of an
    // hour). Neither process may keep its own idea of the lockout once the row has expired.
    const key = `admin-login-email:${createHash('sha256').update(creds.email).digest('hex')}`;
    const moved = await projectors.rt.db.query('UPDATE rate_limits SET expire = $2 WHERE key = $1', [key, Date.now() - 1]);
    expect(moved.rowCount, 'the per-email count is one row in the shared table').to.equal(1);
    for (const api of apis) expect((await login(api, creds.password)).status, `right password via ${api.name} after the window`).to.equal(200);
  });

  it(`counts wrong admin passwords sent at once through both against one limit: ${FAILURES_PER_EMAIL} × 401, the rest 429`, async () => {
    const creds = await createTestAdmin(projectors);
    const burst = 3 * FAILURES_PER_EMAIL;
    const answers = await Promise.all(Array.from({ length: burst }, (_, i) =>
      alternate(i).call('POST', '/api/admin/session', { body: { email: creds.email, password: `wrong-${i}-password` } })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401), `statuses ${statuses}`).to.have.length(FAILURES_PER_EMAIL);
    expect(statuses.filter((s) => s === 429), `statuses ${statuses}`).to.have.length(burst - FAILURES_PER_EMAIL);
    for (const api of apis) expect((await api.call('POST', '/api/admin/session', { body: creds })).status, `right password via ${api.name}`).to.equal(429);
  });
});
