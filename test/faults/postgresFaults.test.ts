// Postgres failing under a steady flow of checks: the server SIGKILLed while a projector batch
// is written but not committed, then restarted; and every connection cut at once, again and
// again, by the proxy between Pulse and the server (what a failover or a NAT timeout does).
// A lost connection says nothing about the data: the projector must hold the batch, reconnect
// and apply it once — never dead-letter it, never skip it, never apply it twice.
import { expect } from 'chai';
import { kill, type PulseProcess } from '../support/processes.js';
import { awaitedLater, eventually } from '../support/signals.js';
import { connectCheckLoad, openScenario, settleLedger, type CheckLoad, type Scenario } from './support/scenario.js';
import { testWorld } from './support/testWorld.js';
import { restoreWorld, type FaultWorld } from './support/world.js';

const INTEGRATIONS = 200;

describe('faults: Postgres failing under load', function () {
  this.timeout(420_000);
  let world: FaultWorld;
  let s: Scenario;
  let load: CheckLoad;
  let worker: PulseProcess;
  let projector: PulseProcess;

  beforeEach(async () => {
    world = await testWorld();
    s = await openScenario(world, this.title);
    load = await connectCheckLoad(s, INTEGRATIONS, 1);
    // Debug logs: the projector's batch markers are the moments to strike.
    projector = s.start(['projector', 'integration_health', 'health_history', 'integrations'], {}, 'debug');
    worker = s.start(['worker']);
    await eventually(async () => load.integrations.every((id) => load.target.hits(id) > 0), 'every integration checked', 120_000, 250);
  });
  afterEach(async () => {
    if (world) await restoreWorld(world);
    await s?.drop();
    await load?.close();
  });

  const appliedNotCommitted = () => projector.logged((l) => l.msg === 'projector batch applied, not committed' && Number(l.records) > 0, 60_000);
  const appliedAgain = () => projector.logged((l) => l.msg === 'database answers again; batch applied', 120_000);

  it('applies every check once when Postgres is SIGKILLed mid-batch and restarted', async () => {
    const recovered = awaitedLater(appliedAgain());
    await appliedNotCommitted();
    await world.postgres.kill();
    const atKill = served(load);
    // Checks go on without the database (the worker does not need it for HTTP checks) …
    await eventually(async () => served(load) >= atKill + 5 * INTEGRATIONS, 'checks go on while Postgres is down', 60_000, 250);
    await world.postgres.start();
    // … and the projector, which held its batch, applies it once Postgres is back.
    await recovered;
    await kill(worker, 'SIGTERM');
    const result = await settleLedger(s, load);
    expect(result.disagreements, 'per-integration counts').to.deep.equal([]);
    expect(result).to.deep.include({ lost: 0, duplicated: 0, deadLettered: 0 });
  });

  it('applies every check once when its connections are cut again and again', async () => {
    let cut = 0;
    for (let i = 0; i < 6; i++) {
      // Strike while a transaction is open, so the cut lands mid-batch.
      await appliedNotCommitted();
      cut += world.postgresProxy.dropAll();
    }
    expect(cut, 'connections were really cut').to.be.greaterThan(0);
    const atLastCut = served(load);
    await eventually(async () => served(load) >= atLastCut + 2 * INTEGRATIONS, 'checks flow on', 60_000, 250);
    await kill(worker, 'SIGTERM');
    const result = await settleLedger(s, load);
    expect(result.disagreements, 'per-integration counts').to.deep.equal([]);
    expect(result).to.deep.include({ lost: 0, duplicated: 0, deadLettered: 0 });
  });
});

function served(load: CheckLoad): number {
  return load.integrations.reduce((n, id) => n + load.target.hits(id), 0);
}
