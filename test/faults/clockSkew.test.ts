// A worker whose clock runs ten minutes fast. Its records' timestamps are the broker's append
// time (LogAppendTime), and the evaluator believes an event's own time only up to that plus
// a few seconds, so an alert raised from its failing checks opens at the real time — not ten
// minutes in the future, where everyone's escalations and windows would follow it.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { eventually } from '../support/signals.js';
import { connectCheckLoad, openScenario, type CheckLoad, type Scenario } from './support/scenario.js';
import { testWorld } from './support/testWorld.js';

const SKEW_MS = 10 * 60_000;
const fastClock = fileURLToPath(new URL('./support/fastClock.mjs', import.meta.url));

describe('faults: a worker whose clock runs 10 minutes fast', function () {
  this.timeout(300_000);
  let s: Scenario;
  let load: CheckLoad;

  before(async () => {
    s = await openScenario(await testWorld(), 'clock skew');
    load = await connectCheckLoad(s, 3, 1);
    for (const id of load.integrations) load.target.set(id, { status: 500 });
  });
  after(async () => {
    await s?.drop();
    await load?.close();
  });

  it('cannot drag the alert evaluator\'s clock into the future', async () => {
    s.start(['projector']);
    s.start(['alerts']);
    const worker = s.start(['worker'], { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${fastClock}`.trim(), PULSE_TEST_CLOCK_SKEW_MS: String(SKEW_MS) });
    // The worker's own view of time is skewed (its log lines carry its clock)…
    const started = await worker.logged((l) => l.msg === 'check worker started', 120_000);
    expect(Date.parse(String(started.time)) - Date.now(), 'the worker process runs ahead').to.be.greaterThan(SKEW_MS - 60_000);

    // …its failing checks turn the integrations red and raise alerts…
    const opened = await eventually(async () => {
      const { rows } = await s.rt.db.query(
        `SELECT extract(epoch FROM opened_at) * 1000 AS opened FROM health_check_alerts WHERE integration_id = ANY($1) AND rule_kind = 'integration_red'`,
        [load.integrations],
      );
      return rows.length === load.integrations.length ? rows.map((r) => Number(r.opened)) : undefined;
    }, 'an integration_red alert for each integration', 180_000, 500);
    // …opened at the broker's time, give or take the evaluator's slack — not ten minutes ahead.
    for (const at of opened) expect(at - Date.now(), 'alert opened at real time').to.be.below(60_000);
  });
});
