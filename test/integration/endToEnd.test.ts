import { expect } from 'chai';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { decodeAll, readTopic } from '../support/topicReader.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

describe('walking skeleton, end to end (API → Kafka → worker → Kafka → projector → Postgres → API)', function () {
  this.timeout(90_000);
  let pulse: RunningPulse;
  let target: HttpTarget;
  let alice: string;
  let integrationId: string;

  before(async () => {
    target = await startHttpTarget();
    pulse = await startPulse({ reach: [target.url] });
    alice = pulse.tokenFor('alice');
  });
  after(async () => {
    await pulse?.stop();
    await target?.close().catch(() => undefined);
  });

  const health = (token = alice, id = integrationId) => pulse.api('GET', `/api/integrations/${id}/health`, { token });

  it('connects an HTTP integration and shows it green after its first check', async () => {
    const requestedAt = Date.now();
    const created = await pulse.api('POST', '/api/integrations', {
      token: alice,
      body: { provider: 'http', displayName: 'Status page', config: { url: `${target.url}/status`, bodyContains: 'operational' }, checkIntervalSeconds: 1 },
    });
    expect(created.status).to.equal(202);
    expect(created.body.id).to.match(/^[0-9a-f-]{36}$/);
    integrationId = created.body.id;

    const green = await eventually(async () => { const h = await health(); return h.body?.status === 'green' && h.body; }, 'status green');
    expect(green).to.have.all.keys('integrationId', 'provider', 'displayName', 'status', 'lastCheckedAt', 'lastSuccessAt',
      'consecutiveFailures', 'latencyMs', 'error', 'nextCheckAt', 'checkCount', 'reauthRequired', 'reconnectUrl');
    expect(green).to.include({ integrationId, provider: 'http', displayName: 'Status page', consecutiveFailures: 0, error: null });
    expect(Date.parse(green.lastSuccessAt)).to.be.at.least(requestedAt); // a check run for this request, not an older one
    expect(Date.parse(green.nextCheckAt)).to.be.greaterThan(Date.parse(green.lastCheckedAt));
  });

  it('keeps checking at the interval', async () => {
    const before = (await health()).body.checkCount;
    await eventually(async () => (await health()).body.checkCount >= before + 2, 'two more checks');
  });

  it('turns yellow, then red with advice, when the service fails, and green again when it recovers', async () => {
    target.set('status', { status: 503 });
    await eventually(async () => (await health()).body.status === 'yellow', 'yellow after first failure');
    const red = await eventually(async () => { const h = (await health()).body; return h.status === 'red' && h; }, 'red after repeated failures');
    expect(red.consecutiveFailures).to.be.at.least(3);
    expect(red.error).to.have.all.keys('code', 'message', 'resolution', 'steps', 'docsUrl');
    expect(red.error.docsUrl).to.equal('/docs/troubleshooting.md#server_error');
    expect(red).to.include({ reauthRequired: false, reconnectUrl: null });
    expect(red.error.code).to.equal('server_error');
    target.set('status', { status: 200 });
    await eventually(async () => (await health()).body.status === 'green', 'green after recovery');
  });

  it('is non-green when the service stops answering at all', async () => {
    await target.close();
    const h = await eventually(async () => { const b = (await health()).body; return b.error?.code === 'connection_refused' && b; }, 'connection refused');
    expect(h.status).to.be.oneOf(['yellow', 'red']);
  });

  it('writes HealthChecked events any registry-aware Kafka client can read', async () => {
    const config = pulse.rt.config;
    // Counted first: checks keep coming, and the log can only have grown by the time it is read.
    const { rows } = await pulse.rt.db.query('SELECT check_count FROM integration_health_checks WHERE integration_id = $1', [integrationId]);
    const records = (await readTopic(config, pulse.rt.topics.checks)).filter((r) => r.key === integrationId);
    const events = await decodeAll(config, records);
    expect(events.length).to.be.at.least(5);
    expect(events.map((e) => e.outcome)).to.include.members(['succeeded', 'failed']);
    expect(Number(rows[0].check_count)).to.be.at.most(events.length); // the projector never counts more than the log holds
  });

  it('hides one user\'s integration from another (404, same as unknown)', async () => {
    const bob = pulse.tokenFor('bob');
    const theirs = await health(bob);
    const unknown = await health(bob, '00000000-0000-4000-8000-000000000000');
    expect(theirs.status).to.equal(404);
    expect(theirs.body).to.deep.equal(unknown.body);
    expect(theirs.body.error.code).to.equal('not_found');
  });

  it('answers 401 without a valid token', async () => {
    expect((await health('')).status).to.equal(401);
    expect((await health('not-a-jwt')).status).to.equal(401);
  });

  it('answers 400 naming each bad field', async () => {
    const bad = await pulse.api('POST', '/api/integrations', {
      token: alice,
      body: { provider: 'http', displayName: '', config: { url: 'x' }, checkIntervalSeconds: 0 },
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
    expect(bad.body.error.fields).to.have.keys('displayName', 'checkIntervalSeconds');

    const badConfig = await pulse.api('POST', '/api/integrations', { token: alice, body: { provider: 'http', displayName: 'x', config: { url: 'ftp://nope' } } });
    expect(badConfig.status).to.equal(400);
    expect(badConfig.body.error.fields).to.have.keys('url');

    const unknownProvider = await pulse.api('POST', '/api/integrations', { token: alice, body: { provider: 'fax', displayName: 'x', config: {} } });
    expect(unknownProvider.body.error.fields).to.have.keys('provider');

    const notJson = await pulse.api('POST', '/api/integrations', { token: alice, body: '{"provider":' });
    expect(notJson.status).to.equal(400);
    expect(notJson.body.error.code).to.equal('bad_request');
  });
});
