import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { startReplay, type ReplayProgress } from '../../consumers/replay.js';
import type { LifecycleEvent } from '../../health/events.js';
import { integrationHealthProjection } from '../../projections/integrationHealth.js';
import { healthHistoryProjection } from '../../projections/healthHistory.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { startPulse, type RunningPulse } from '../support/pulse.js';
import { caughtUp } from '../support/signals.js';

// A replay rebuilds a whole projection and swaps its tables (the second one with a stricter
// status rule, for every integration): the suite has a database and topics of its own.
describe('replay (rebuild a projection while the live one serves, then switch)', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  const ids = Array.from({ length: 8 }, () => randomUUID());
  const userToken = () => pulse.tokenFor('replay-user');

  const snapshot = async (sql: string) => (await pulse.rt.db.query(sql, [ids])).rows;
  const health = () => snapshot(`SELECT * FROM integration_health_checks WHERE integration_id = ANY($1) ORDER BY integration_id`);
  const history = () => snapshot(`SELECT * FROM integration_health_history WHERE integration_id = ANY($1) ORDER BY event_id`);
  const rollups = () => snapshot(`SELECT * FROM health_rollups_integration WHERE integration_id = ANY($1) ORDER BY integration_id, granularity, bucket_start`);

  before(async () => {
    env = await ownEnvironment('replay');
    pulse = await startPulse({ roles: ['projectors', 'api'], overrides: env.overrides });
    const { rt } = pulse;
    const producer = await rt.kafka.producer();
    const connected: LifecycleEvent = {
      type: 'IntegrationConnected', eventId: randomUUID(), integrationId: ids[0] as string, userId: 'replay-user', occurredAt: Date.now(),
      provider: 'http', displayName: 'Replayed', checkIntervalSeconds: 60, config: { url: 'http://127.0.0.1:1/' },
    };
    await producer.send(rt.topics.lifecycle, [await rt.codec.encode(connected)]);
    const t0 = Date.parse('2026-10-01T00:00:00Z');
    const events = Array.from({ length: 400 }, (_, i) => {
      const base = { integrationId: ids[i % ids.length] as string, startedAt: t0 + i * 60_000, durationMs: 100 + (i % 7) * 10 };
      return i % 9 === 0 ? aFailedCheck('server_error', base) : aCheck(base);
    });
    for (let i = 0; i < events.length; i += 100) {
      await producer.send(rt.topics.checks, await Promise.all(events.slice(i, i + 100).map((e) => rt.codec.encode(e))));
    }
    await producer.close();
    for (const projection of ['integration_health', 'health_history']) await caughtUp(rt, { projection }, [rt.topics.checks]);
    await caughtUp(rt, { projection: 'integrations' }, [rt.topics.lifecycle]);
    expect((await history()).length).to.equal(400);
    expect((await health()).reduce((a, r) => a + Number(r.check_count), 0)).to.equal(400);
  });
  after(async () => {
    await pulse?.stop();
    await env?.drop();
  });

  it('rebuilds identical rows, keeps the API answering throughout, and hands over to the live projector', async () => {
    const before = { health: await health(), history: await history(), rollups: await rollups() };
    // The API is asked again as soon as it has answered, for as long as the replays run.
    let polling = true;
    const statuses: number[] = [];
    const poller = (async () => {
      while (polling) statuses.push((await pulse.api('GET', `/api/integrations/${ids[0]}/health`, { token: userToken() })).status);
    })();

    const seen: ReplayProgress[] = [];
    const rules = pulse.rt.config.statusRules;
    const replays = await Promise.all([integrationHealthProjection(rules), healthHistoryProjection(rules)].map((p) => startReplay(p, pulse.rt, (x) => seen.push(x))));
    const results = await Promise.all(replays.map((r) => r.done));
    polling = false;
    await poller;

    expect(results.map((r) => r.state)).to.deep.equal(['done', 'done']);
    expect(seen.some((p) => p.processed > 0 && p.total >= 400)).to.equal(true);
    expect(statuses.length).to.be.greaterThan(3);
    expect(new Set(statuses)).to.deep.equal(new Set([200]));
    expect(await health()).to.deep.equal(before.health);
    expect(await history()).to.deep.equal(before.history);
    expect(await rollups()).to.deep.equal(before.rollups);
    const leftovers = await pulse.rt.db.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'replay%'`);
    expect(leftovers.rows).to.deep.equal([]);

    // The live projector carries on from the swapped-in checkpoints: a new event counts once.
    const producer = await pulse.rt.kafka.producer();
    await producer.send(pulse.rt.topics.checks, [await pulse.rt.codec.encode(aCheck({ integrationId: ids[1] as string, startedAt: Date.parse('2026-10-02T00:00:00Z') }))]);
    await producer.close();
    await caughtUp(pulse.rt, { projection: 'integration_health' }, [pulse.rt.topics.checks]);
    const countOf = async () => Number((await health()).find((r) => r.integration_id === ids[1])?.check_count);
    const was = Number(before.health.find((r) => r.integration_id === ids[1])?.check_count);
    expect(await countOf()).to.equal(was + 1);
  });

  it('re-derives status from history after a rule change', async () => {
    const before = await health();
    expect(before.every((r) => r.status !== 'yellow' || r.error_code === 'server_error')).to.equal(true);
    // Stricter rule: anything slower than 50 ms is degraded. The events took 100–160 ms.
    const replay = await startReplay(integrationHealthProjection({ slowCheckMs: 50, failuresBeforeRed: 3 }), pulse.rt);
    expect((await replay.done).state).to.equal('done');
    const after = await health();
    for (const row of after) {
      const old = before.find((r) => r.integration_id === row.integration_id);
      expect(row.check_count).to.equal(old?.check_count);
      if (old?.status === 'green') expect(row).to.include({ status: 'yellow', error_code: 'slow_response' });
    }
    expect(before.some((r) => r.status === 'green')).to.equal(true);
  });
});
