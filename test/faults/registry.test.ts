// The schema registry unavailable: at start-up, a role waits for it with a clear log line and
// comes up by itself once it answers (no crash loop); mid-run, schemas already known keep
// every role working (encode and decode use their caches), and nothing is dead-lettered.
import { expect } from 'chai';
import { kill } from '../support/processes.js';
import { awaitedLater, eventually } from '../support/signals.js';
import { connectCheckLoad, openScenario, settleLedger, type CheckLoad, type Scenario } from './support/scenario.js';
import { testWorld } from './support/testWorld.js';
import { restoreWorld, type FaultWorld } from './support/world.js';

describe('faults: the schema registry unavailable', function () {
  this.timeout(300_000);
  let world: FaultWorld;
  let s: Scenario;
  let load: CheckLoad;

  beforeEach(async () => {
    world = await testWorld();
    s = await openScenario(world, this.title);
    load = await connectCheckLoad(s, 50, 1);
  });
  afterEach(async () => {
    if (world) await restoreWorld(world);
    await s?.drop();
    await load?.close();
  });

  it('at start-up: roles wait for it, saying so, and start once it answers', async () => {
    world.registryProxy.setTarget(undefined);
    const projector = s.start(['projector']);
    const worker = s.start(['worker'], { PROBE_PORT: '0' });
    // Lines of two processes arrive in any order: listen for each before awaiting any.
    const waiting = [projector, worker].map((p) => awaitedLater(p.logged((l) => l.msg === 'waiting for registry before starting', 60_000)));
    const secondAttempt = awaitedLater(projector.logged((l) => l.msg === 'waiting for registry before starting' && Number(l.attempt) >= 2, 60_000));
    const running = awaitedLater(projector.logged((l) => l.msg === 'projectors running', 120_000));
    const started = awaitedLater(worker.logged((l) => l.msg === 'check worker started', 120_000));
    // The worker's probes answer while it waits, and say what it waits for.
    const probes = String((await worker.logged((l) => l.msg === 'probes listening', 60_000)).url);
    for (const line of await Promise.all(waiting)) expect(line.dependency).to.equal('registry');
    const notReady = await fetch(`${probes}/readyz`);
    expect(notReady.status).to.equal(503);
    expect((await notReady.json()).dependencies).to.deep.include({ registry: 'down', kafka: 'up', postgres: 'up' });
    // A second attempt, still the same process: waiting, not crash-looping.
    await secondAttempt;
    expect(projector.exited(), 'the projector is still the same process').to.equal(undefined);

    world.registryProxy.setTarget({ host: '127.0.0.1', port: world.registry.port });
    await Promise.all([running, started]);
    await eventually(async () => (await fetch(`${probes}/readyz`)).status === 200, 'the worker reports ready', 30_000, 500);
    await eventually(async () => load.integrations.every((id) => load.target.hits(id) > 0), 'checks run once it answers', 60_000, 250);
  });

  it('mid-run: known schemas keep checks flowing and projected; nothing is dead-lettered', async () => {
    s.start(['projector']);
    const worker = s.start(['worker']);
    await eventually(async () => load.integrations.every((id) => load.target.hits(id) > 0), 'every integration checked', 120_000, 250);
    world.registryProxy.setTarget(undefined);
    world.registryProxy.dropAll();
    const historyRows = async () => Number((await s.rt.db.query('SELECT count(*) AS n FROM integration_health_history')).rows[0].n);
    const atCut = await historyRows();
    await eventually(async () => (await historyRows()) >= atCut + 5 * load.integrations.length, 'history grows while the registry is away', 90_000, 500);
    world.registryProxy.setTarget({ host: '127.0.0.1', port: world.registry.port });
    await kill(worker, 'SIGTERM');
    const result = await settleLedger(s, load);
    expect(result.disagreements, 'per-integration counts').to.deep.equal([]);
    expect(result).to.deep.include({ lost: 0, duplicated: 0, deadLettered: 0 });
  });
});
