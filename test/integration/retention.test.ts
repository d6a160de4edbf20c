import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { applyRetention } from '../../projections/retention.js';
import { aCheck } from '../support/checks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { startPulse, type RunningPulse } from '../support/pulse.js';
import { caughtUp } from '../support/signals.js';

const DAY = 86_400_000;

// Retention at an instant in the future drops every partition before it, the current month's
// included: the suite has a database (and topics) of its own.
describe('retention', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  before(async () => {
    env = await ownEnvironment('retention');
    pulse = await startPulse({ roles: ['projectors'], overrides: env.overrides });
  });
  after(async () => {
    await pulse?.stop();
    await env?.drop();
  });

  it('removes detail older than 30 days (whole partitions where possible) while rollups for that period remain', async () => {
    const { rt } = pulse;
    const now = Date.parse('2027-03-20T12:00:00Z'); // a fixed instant in the future
    const id = randomUUID();
    const provider = `retention-${id.slice(0, 8)}`;
    const at = {
      fourteenMonths: now - 425 * DAY, // 2026-01: hourly rollups expire (13 months), monthly stay
      seventyDays: now - 70 * DAY, //    2027-01: the whole January partition is past the cutoff
      fortyDays: now - 40 * DAY, //      2027-02: partition straddles the cutoff, rows deleted
      tenDays: now - 10 * DAY, //        2027-03: kept
    };
    const events = Object.values(at).map((t) => aCheck({ integrationId: id, provider, startedAt: t }));
    const producer = await rt.kafka.producer();
    await producer.send(rt.topics.checks, await Promise.all(events.map((e) => rt.codec.encode(e))));
    await producer.close();
    await caughtUp(rt, { projection: 'health_history' }, [rt.topics.checks]);
    expect((await rt.db.query('SELECT 1 FROM integration_health_history WHERE integration_id = $1', [id])).rowCount).to.equal(4);

    const result = await applyRetention(rt.db, now, { historyDays: 30, hourlyRollupMonths: 13 });

    expect(result.droppedPartitions).to.include.members(['integration_health_history_p2026_01', 'integration_health_history_p2027_01']);
    expect(result.droppedPartitions).not.to.include('integration_health_history_p2027_02');
    expect(result.deletedHistoryRows).to.equal(1); // the forty-day-old row, from the straddling partition
    expect(result.createdPartitions).to.include.members(['integration_health_history_p2027_04', 'integration_health_history_p2027_05']);

    const kept = await rt.db.query('SELECT completed_at FROM integration_health_history WHERE integration_id = $1', [id]);
    expect(kept.rows.map((r) => r.completed_at.getTime())).to.deep.equal([at.tenDays + 120]);

    const rollups = await rt.db.query(
      `SELECT granularity, to_char(bucket_start AT TIME ZONE 'UTC', 'YYYY-MM') AS month, checks FROM health_rollups_provider
        WHERE provider = $1 ORDER BY granularity, bucket_start`, [provider]);
    expect(rollups.rows.map((r) => `${r.granularity} ${r.month} ${r.checks}`)).to.deep.equal([
      'hour 2027-01 1', 'hour 2027-02 1', 'hour 2027-03 1',
      'month 2026-01 1', 'month 2027-01 1', 'month 2027-02 1', 'month 2027-03 1',
    ]);
  });
});
