import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { LifecycleEvent } from '../../health/events.js';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

// The replay started here rebuilds the whole integration_health projection and swaps its
// tables: the suite has a database and topics of its own.
describe('admin API: time travel and replays', function () {
  this.timeout(90_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let admin: AdminCall;
  const id = randomUUID();
  const now = Date.now();
  const H = 3_600_000;
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();

  before(async () => {
    env = await ownEnvironment('admin api');
    pulse = await startPulse({ roles: ['projectors', 'api'], overrides: env.overrides });
    admin = await adminSession(pulse);
    const { rt } = pulse;
    const connected: LifecycleEvent = {
      type: 'IntegrationConnected', eventId: randomUUID(), integrationId: id, userId: 'tt-user', occurredAt: now - 4 * H,
      provider: 'http', displayName: 'Time travel', checkIntervalSeconds: 600, config: { url: 'http://127.0.0.1:1/' },
    };
    const checks = [
      aCheck({ integrationId: id, startedAt: now - 3 * H }),
      aFailedCheck('server_error', { integrationId: id, startedAt: now - 2 * H }),
      aFailedCheck('server_error', { integrationId: id, startedAt: now - 1.8 * H }),
      aFailedCheck('server_error', { integrationId: id, startedAt: now - 1.6 * H }),
    ];
    const producer = await rt.kafka.producer();
    await producer.send(rt.topics.lifecycle, [await rt.codec.encode(connected)]);
    await producer.send(rt.topics.checks, await Promise.all(checks.map((c) => rt.codec.encode(c))));
    await producer.close();
    await eventually(async () => (await rt.db.query('SELECT 1 FROM integration_health_history WHERE integration_id = $1', [id])).rowCount === 4
      && (await rt.db.query('SELECT 1 FROM integrations WHERE integration_id = $1', [id])).rowCount === 1, 'projections');
  });
  after(async () => {
    await pulse?.stop();
    await env?.drop();
  });

  const asOf = (when: string) => admin('GET', `/api/admin/integrations/${id}/health?asOf=${encodeURIComponent(when)}`);

  it('keeps user tokens and admin sessions apart', async () => {
    expect((await pulse.api('GET', '/api/admin/replays', { token: pulse.tokenFor('tt-user') })).status).to.equal(401);
    expect((await pulse.api('GET', `/api/integrations/${id}/health`, { headers: { cookie: admin.cookie } })).status).to.equal(401);
    expect((await pulse.api('GET', `/api/integrations/${id}/health`, { token: pulse.tokenFor('tt-user') })).status).to.equal(200);
  });

  it('answers the status of an integration as of a past instant with the same rules', async () => {
    const statuses = [];
    for (const ago of [3.5 * H, 2.5 * H, 1.9 * H, 1.5 * H]) statuses.push((await asOf(at(ago))).body.status);
    expect(statuses).to.deep.equal(['unknown', 'green', 'yellow', 'red']);
    const past = (await asOf(at(1.9 * H))).body;
    expect(past).to.include({ integrationId: id, displayName: 'Time travel', consecutiveFailures: 1, checkCount: 2 });
    expect(past.error.code).to.equal('server_error');
    // "As of now" is what the live projection says.
    const live = (await pulse.api('GET', `/api/integrations/${id}/health`, { token: pulse.tokenFor('tt-user') })).body;
    const current = (await asOf(new Date().toISOString())).body;
    expect(current).to.include({ status: live.status, consecutiveFailures: live.consecutiveFailures, lastCheckedAt: live.lastCheckedAt });
  });

  it('refuses instants it cannot answer for, naming the field', async () => {
    for (const bad of ['yesterday', at(40 * 24 * H), at(-H)]) {
      const res = await asOf(bad);
      expect(res.status, bad).to.equal(400);
      expect(res.body.error.fields).to.have.keys('asOf');
    }
    expect((await admin('GET', `/api/admin/integrations/${randomUUID()}/health?asOf=${encodeURIComponent(at(H))}`)).status).to.equal(404);
  });

  it('starts a replay and reports its progress until it is switched in', async () => {
    const bad = await admin('POST', '/api/admin/replays', { body: { projection: 'nope' } });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.have.keys('projection');

    const started = await admin('POST', '/api/admin/replays', { body: { projection: 'integration_health' } });
    expect(started.status).to.equal(202);
    const done = await eventually(async () => {
      const r = (await admin('GET', `/api/admin/replays/${started.body.replayId}`)).body;
      return r.state === 'done' && r;
    }, 'replay done', 60_000, 200);
    expect(done).to.include({ projection: 'integration_health', error: null });
    expect(done.processed).to.equal(done.total);
    expect(done.total).to.be.at.least(4);
    const list = (await admin('GET', '/api/admin/replays')).body.replays;
    expect(list.map((r: { replayId: string }) => r.replayId)).to.include(started.body.replayId);
    expect((await pulse.api('GET', `/api/integrations/${id}/health`, { token: pulse.tokenFor('tt-user') })).body.status).to.equal('red');
  });
});
