import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { LifecycleEvent } from '../../health/events.js';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { partitionOf } from '../support/kafkaPartitions.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { caughtUp } from '../support/signals.js';
import { readTopic } from '../support/topicReader.js';

describe('user integrations API: list, update, delete, history', function () {
  this.timeout(60_000);
  let pulse: RunningPulse;
  let target: HttpTarget;
  let token: string;
  const ids: string[] = [];

  before(async () => {
    target = await startHttpTarget();
    target.set('down', { status: 503 });
    pulse = await startPulse({ reach: [target.url] });
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
    expect((await pulse.api('GET', '/api/integrations', { token: pulse.tokenFor(`nobody-${randomUUID()}`) })).body).to.include({ total: 0 });
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
    // History and rollups come from their own projection, which keeps its own pace: wait until it has those checks too.
    await caughtUp(pulse.rt, { projection: 'health_history' }, [pulse.rt.topics.checks]);
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
    // The checks may straddle an hour: add the buckets up.
    type Bucket = { checks: number; failed: number; errorsByCode: Record<string, number> };
    const sum = (f: (b: Bucket) => number) => (hourly.items as Bucket[]).reduce((a, b) => a + f(b), 0);
    expect(sum((b) => b.checks)).to.be.at.least(3);
    expect(sum((b) => b.failed)).to.equal(sum((b) => b.checks));
    expect(sum((b) => b.errorsByCode.server_error ?? 0)).to.equal(sum((b) => b.checks));
    expect((await pulse.api('GET', `/api/integrations/${ids[1]}/health/history?granularity=weekly`, { token })).body.error.fields).to.have.keys('granularity');
  });

  it('deletes an integration: it stops being listed and checked', async () => {
    const { rt } = pulse;
    const charlie = ids[2] as string;
    expect((await pulse.api('DELETE', `/api/integrations/${charlie}`, { token: pulse.tokenFor('mallory') })).status).to.equal(404);
    expect((await pulse.api('DELETE', `/api/integrations/${charlie}`, { token })).status).to.equal(202);
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${charlie}/health`, { token })).status === 404, 'gone');
    expect((await pulse.api('GET', '/api/integrations', { token })).body.total).to.equal(2);

    // A sentinel integration connected after the deletion, on the same lifecycle partition: the
    // worker reads a partition in order, so once the sentinel is checked the deletion has been
    // applied — and a check of Charlie still running then is dropped, not published.
    const partitions = rt.config.kafka.partitions;
    const disconnected = (await readTopic(rt.config, rt.topics.lifecycle)).filter((r) => r.key === charlie).at(-1);
    expect(disconnected?.headers['event-type']).to.equal('IntegrationDisconnected');
    let sentinel = randomUUID();
    while (partitionOf(sentinel, partitions) !== disconnected?.partition) sentinel = randomUUID();
    const connected: LifecycleEvent = {
      type: 'IntegrationConnected', eventId: randomUUID(), integrationId: sentinel, userId: 'list-sentinel', occurredAt: Date.now(),
      provider: 'http', displayName: 'Sentinel', checkIntervalSeconds: 1, config: { url: `${target.url}/sentinel` },
    };
    const producer = await rt.kafka.producer();
    await producer.send(rt.topics.lifecycle, [await rt.codec.encode(connected)]);
    await producer.close();
    expect((await readTopic(rt.config, rt.topics.lifecycle)).find((r) => r.key === sentinel)?.partition).to.equal(disconnected?.partition);

    const sentinelChecks = async () => Number((await rt.db.query('SELECT check_count FROM integration_health_checks WHERE integration_id = $1', [sentinel])).rows[0]?.check_count ?? 0);
    const charlieChecks = async () => {
      await caughtUp(rt, { projection: 'health_history' }, [rt.topics.checks]);
      return Number((await rt.db.query('SELECT count(*) AS n FROM integration_health_history WHERE integration_id = $1', [charlie])).rows[0].n);
    };
    await eventually(async () => (await sentinelChecks()) >= 1, 'the sentinel checked');
    const atDeletion = await charlieChecks();
    expect(atDeletion).to.be.at.least(1);
    // Two more rounds of the sentinel later, Charlie has not been checked again.
    const seen = await sentinelChecks();
    await eventually(async () => (await sentinelChecks()) >= seen + 2, 'two more checks of the sentinel');
    expect(await charlieChecks()).to.equal(atDeletion);
  });
});

describe('user integrations API before the first check', function () {
  this.timeout(60_000);
  let pulse: RunningPulse;

  // No worker: the integration is recorded and projected, but never checked.
  before(async () => { pulse = await startPulse({ roles: ['projectors', 'api'] }); });
  after(async () => { await pulse?.stop(); });

  it('lists a connected integration with its provider and name, status unknown', async () => {
    const token = pulse.tokenFor(`unchecked-${randomUUID()}`);
    const created = await pulse.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: 'Not yet checked', config: { url: 'https://example.com/' } } });
    expect(created.status, created.text).to.equal(202);
    const list = await eventually(async () => {
      const body = (await pulse.api('GET', '/api/integrations', { token })).body;
      return body.total === 1 && body;
    }, 'the integration listed');
    expect(list.items[0]).to.include({ integrationId: created.body.id, provider: 'http', displayName: 'Not yet checked', status: 'unknown', checkCount: 0, lastCheckedAt: null });
  });
});

