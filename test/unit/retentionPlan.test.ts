import { expect } from 'chai';
import { retentionPlan } from '../../projections/retention.js';

describe('retention plan', () => {
  const now = Date.parse('2026-11-22T12:00:00Z');
  const settings = { historyDays: 30, hourlyRollupMonths: 13 };

  it('drops only partitions whose whole month is older than the detail cutoff', () => {
    const plan = retentionPlan(now, ['integration_health_history_p2026_09', 'integration_health_history_p2026_10', 'integration_health_history_p2026_11', 'something_else'], settings);
    expect(new Date(plan.historyCutoff).toISOString()).to.equal('2026-10-23T12:00:00.000Z');
    expect(plan.dropPartitions).to.deep.equal(['integration_health_history_p2026_09']);
  });

  it('keeps hourly rollups for the configured months and plans partitions two months ahead', () => {
    const plan = retentionPlan(now, [], settings);
    expect(new Date(plan.hourlyRollupCutoff).toISOString()).to.equal('2025-10-22T12:00:00.000Z');
    expect(plan.monthsAhead.map((m) => new Date(m).toISOString().slice(0, 7))).to.deep.equal(['2026-11', '2026-12', '2027-01']);
  });
});
