import { expect } from 'chai';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { readTopic } from '../support/topicReader.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { caughtUp } from '../support/signals.js';

describe('manual check ("check now")', function () {
  this.timeout(60_000);
  let pulse: RunningPulse;
  let target: HttpTarget;
  let token: string;
  let id: string;

  before(async () => {
    target = await startHttpTarget();
    // One manual check per hour: the rate limit holds however long the machine takes.
    pulse = await startPulse({ overrides: { MANUAL_CHECK_BURST_SECONDS: '3600' }, reach: [target.url] });
    token = pulse.tokenFor('manual-user');
    const created = await pulse.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: 'Manual', config: { url: `${target.url}/manual` }, checkIntervalSeconds: 3600 } });
    id = created.body.id;
    // The first check waits for the worker to join its group: allow for a slow rebalance.
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${id}/health`, { token })).body?.checkCount === 1, 'the first (automatic) check', 90_000);
  });
  after(async () => {
    await pulse?.stop();
    await target?.close();
  });

  it('runs exactly one check for the request, then rate-limits with Retry-After', async () => {
    const other = await pulse.api('POST', `/api/integrations/${id}/health/check`, { token: pulse.tokenFor('someone-else') });
    expect(other.status).to.equal(404);

    const hitsBefore = target.hits('manual');
    const res = await pulse.api('POST', `/api/integrations/${id}/health/check`, { token });
    expect(res.status).to.equal(202);
    const { requestId } = res.body;
    expect(requestId).to.match(/^[0-9a-f-]{36}$/);

    const again = await pulse.api('POST', `/api/integrations/${id}/health/check`, { token });
    expect(again.status).to.equal(429);
    expect(again.body.error.code).to.equal('rate_limited');

    await eventually(async () => (await pulse.rt.db.query('SELECT 1 FROM integration_health_history WHERE request_id = $1', [requestId])).rowCount === 1, 'the requested check in history');
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${id}/health`, { token })).body.checkCount === 2, 'the check counted');

    // Only the owner's request became a command; the 404 and the 429 wrote nothing.
    const commands = (await readTopic(pulse.rt.config, pulse.rt.topics.commands)).filter((r) => r.key === id);
    expect(commands).to.have.length(1);
    // Nothing more comes of it: the worker has consumed every command, and the projections
    // have applied every check published so far.
    await caughtUp(pulse.rt, { group: pulse.rt.topics.group('pulse-check-workers') }, [pulse.rt.topics.commands]);
    await caughtUp(pulse.rt, { projection: 'health_history' }, [pulse.rt.topics.checks]);
    await caughtUp(pulse.rt, { projection: 'integration_health' }, [pulse.rt.topics.checks]);
    expect((await pulse.rt.db.query('SELECT 1 FROM integration_health_history WHERE request_id = $1', [requestId])).rowCount).to.equal(1);
    expect((await pulse.api('GET', `/api/integrations/${id}/health`, { token })).body.checkCount).to.equal(2);
    expect(target.hits('manual') - hitsBefore).to.equal(1);
  });

  it('says when to retry', async () => {
    const res = await fetch(`${pulse.apiUrl}/api/integrations/${id}/health/check`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(429);
    expect(Number(res.headers.get('retry-after'))).to.be.within(1, 3600);
  });
});
