import { expect } from 'chai';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

describe('user integrations API: list, update, delete, history', function () {
  this.timeout(60_000);
  let pulse: RunningPulse;
  let target: HttpTarget;
  let token: string;
  const ids: string[] = [];

  before(async () => {
    target = await startHttpTarget();
    target.set('down', { status: 503 });
    pulse = await startPulse();
    token = pulse.tokenFor('list-user');
    for (const [name, path] of [['Alpha', 'up'], ['Bravo', 'down'], ['Charlie', 'up']] as const) {
      const r = await pulse.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: name, config: { url: `${target.url}/${path}` }, checkIntervalSeconds: 1 } });
      ids.push(r.body.id);
    }
    await eventually(async () => {
      const list = (await pulse.api('GET', '/api/integrations', { token })).body;
      return list.total === 3 && list.items.every((i: { checkCount: number }) => i.checkCount > 0);
    }, 'three checked integrations');
  });
  after(async () => {
    await pulse?.stop();
    await target?.close();
  });

  it('lists only my integrations, filtered, sorted and paginated', async () => {
    expect((await pulse.api('GET', '/api/integrations', { token: pulse.tokenFor('nobody') })).body).to.include({ total: 0 });
    const all = (await pulse.api('GET', '/api/integrations?sort=name&order=desc', { token })).body;
    expect(all.items.map((i: { displayName: string }) => i.displayName)).to.deep.equal(['Charlie', 'Bravo', 'Alpha']);
    const failing = (await pulse.api('GET', '/api/integrations?status=yellow,red', { token })).body;
    expect(failing.items.map((i: { displayName: string }) => i.displayName)).to.deep.equal(['Bravo']);
    const page = (await pulse.api('GET', '/api/integrations?limit=2&offset=2', { token })).body;
    expect(page).to.include({ total: 3, limit: 2, offset: 2 });
    expect(page.items).to.have.length(1);
  });

  it('names each bad query field', async () => {
    const bad = await pulse.api('GET', '/api/integrations?status=purple&sort=colour&limit=0', { token });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.have.keys('status.0', 'sort', 'limit');
  });

  it('renames and re-times an integration, only for its owner', async () => {
    expect((await pulse.api('PATCH', `/api/integrations/${ids[0]}`, { token: pulse.tokenFor('mallory'), body: { displayName: 'pwned' } })).status).to.equal(404);
    expect((await pulse.api('PATCH', `/api/integrations/${ids[0]}`, { token, body: {} })).status).to.equal(400);
    const res = await pulse.api('PATCH', `/api/integrations/${ids[0]}`, { token, body: { displayName: 'Alpha prime', checkIntervalSeconds: 60 } });
    expect(res.status).to.equal(202);
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${ids[0]}/health`, { token })).body.displayName === 'Alpha prime', 'renamed');
  });

  it('serves history: raw checks for a short range, rollups for a long one, paginated', async () => {
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${ids[1]}/health`, { token })).body.checkCount >= 3, 'a few checks');
    const raw = (await pulse.api('GET', `/api/integrations/${ids[1]}/health/history?limit=2`, { token })).body;
    expect(raw.granularity).to.equal('raw');
    expect(raw.items).to.have.length(2);
    expect(raw.items[0]).to.include({ outcome: 'failed', errorCode: 'server_error', httpStatus: 503 });
    expect(raw.nextBefore).to.be.a('string');
    const older = (await pulse.api('GET', `/api/integrations/${ids[1]}/health/history?limit=2&before=${encodeURIComponent(raw.nextBefore)}`, { token })).body;
    expect(Date.parse(older.items[0].checkedAt)).to.be.lessThan(Date.parse(raw.items[1].checkedAt) + 1);

    const from = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const hourly = (await pulse.api('GET', `/api/integrations/${ids[1]}/health/history?from=${encodeURIComponent(from)}`, { token })).body;
    expect(hourly.granularity).to.equal('hourly');
    expect(hourly.items[0].checks).to.be.at.least(3);
    expect(hourly.items[0].failed).to.equal(hourly.items[0].checks);
    expect(hourly.items[0].errorsByCode.server_error).to.equal(hourly.items[0].checks);
    expect((await pulse.api('GET', `/api/integrations/${ids[1]}/health/history?granularity=weekly`, { token })).body.error.fields).to.have.keys('granularity');
  });

  it('deletes an integration: it stops being listed and checked', async () => {
    expect((await pulse.api('DELETE', `/api/integrations/${ids[2]}`, { token: pulse.tokenFor('mallory') })).status).to.equal(404);
    expect((await pulse.api('DELETE', `/api/integrations/${ids[2]}`, { token })).status).to.equal(202);
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${ids[2]}/health`, { token })).status === 404, 'gone');
    const hits = target.hits('up');
    await new Promise((r) => setTimeout(r, 2_000));
    // Alpha (60 s interval now) and the deleted Charlie share the `up` endpoint: nothing should hit it.
    expect(target.hits('up') - hits).to.be.at.most(1);
  });
});
