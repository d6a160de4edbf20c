import { expect } from 'chai';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { readTopic } from '../support/topicReader.js';

describe('HTTP surface: probes, headers, path variants', function () {
  this.timeout(60_000);
  let pulse: RunningPulse;
  let target: HttpTarget;
  let id: string;
  let owner: string;

  before(async () => {
    target = await startHttpTarget();
    pulse = await startPulse({ reach: [target.url] });
    owner = pulse.tokenFor('surface-owner');
    id = (await pulse.api('POST', '/api/integrations', { token: owner, body: { provider: 'http', displayName: 'Surface', config: { url: `${target.url}/s` }, checkIntervalSeconds: 3600 } })).body.id;
    // Its first (automatic) check is in, so no check of it is due for an hour.
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${id}/health`, { token: owner })).body?.checkCount === 1, 'the first check', 90_000);
  });
  after(async () => {
    await pulse?.stop();
    await target?.close();
  });

  it('answers liveness and readiness probes', async () => {
    expect((await pulse.api('GET', '/healthz')).status).to.equal(200);
    expect((await pulse.api('GET', '/readyz')).body).to.deep.equal({ ok: true, dependencies: { postgres: 'up', kafka: 'up', registry: 'up' } });
  });

  it('sends security headers and no CORS grant by default', async () => {
    const res = await fetch(`${pulse.apiUrl}/api/integrations`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${owner}` } });
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('content-security-policy')).to.be.a('string');
    expect(res.headers.get('access-control-allow-origin')).to.equal(null);
    expect(res.headers.get('x-powered-by')).to.equal(null);
  });

  it("answers another user's id through any path variant with the same 404, and runs nothing", async () => {
    const other = pulse.tokenFor('surface-stranger');
    const variants = [
      `/api/integrations/${id}/health`, `/api/integrations/${id}/health/`, `//api/integrations/${id}/health`,
      `/api/integrations/${id}%2Fhealth`, `/api//integrations/${id}/health`, `/API/integrations/${id}/health`,
    ];
    const hits = target.hits('s');
    for (const path of variants) {
      const get = await pulse.api('GET', path, { token: other });
      expect(get.status, path).to.equal(404);
      expect(get.body.error.code, path).to.equal('not_found');
      const check = await pulse.api('POST', `${path}/check`, { token: other });
      expect(check.status, `${path}/check`).to.equal(404);
    }
    // The owner's own "check now" comes after them on the same command partition: once it has
    // run, anything the stranger had started would have run too.
    const mine = await pulse.api('POST', `/api/integrations/${id}/health/check`, { token: owner });
    expect(mine.status).to.equal(202);
    await eventually(async () => (await pulse.rt.db.query('SELECT 1 FROM integration_health_history WHERE request_id = $1', [mine.body.requestId])).rowCount === 1, "the owner's check");
    expect(target.hits('s')).to.equal(hits + 1);
    const commands = (await readTopic(pulse.rt.config, pulse.rt.topics.commands)).filter((r) => r.key === id);
    expect(commands).to.have.length(1);
    expect((await pulse.api('GET', `/api/integrations/${id}/health/`, { token: owner })).status).to.equal(200);
  });
});
