import { expect } from 'chai';
import { bucketStart, classify, rollupDeltas } from '../../health/checkRollup.js';
import { bucketOf, bucketValue, mergeSketches, quantile, sketchOf } from '../../health/latencySketch.js';
import { aCheck, aFailedCheck } from '../support/checks.js';

const rules = { slowCheckMs: 2000, failuresBeforeRed: 3 };

describe('rollup arithmetic', () => {
  it('buckets by event time in UTC hours and months', () => {
    const t = Date.parse('2026-03-31T23:59:59.999Z');
    expect(new Date(bucketStart(t, 'hour')).toISOString()).to.equal('2026-03-31T23:00:00.000Z');
    expect(new Date(bucketStart(t, 'month')).toISOString()).to.equal('2026-03-01T00:00:00.000Z');
    expect(new Date(bucketStart(t + 1, 'month')).toISOString()).to.equal('2026-04-01T00:00:00.000Z');
  });

  it('classifies checks as ok, degraded or failed with the status rules', () => {
    expect(classify(aCheck({ durationMs: 100 }), rules)).to.equal('ok');
    expect(classify(aCheck({ durationMs: 2500 }), rules)).to.equal('degraded');
    expect(classify(aFailedCheck('timeout'), rules)).to.equal('failed');
  });

  it('adds a batch to each integration and provider bucket once', () => {
    const t = Date.parse('2026-05-10T10:15:00Z');
    const checks = [
      aCheck({ integrationId: 'a', provider: 'gmail', startedAt: t, durationMs: 100 }),
      aFailedCheck('timeout', { integrationId: 'a', provider: 'gmail', startedAt: t + 60_000, durationMs: 5000 }),
      aCheck({ integrationId: 'b', provider: 'gmail', startedAt: t + 3_600_000, durationMs: 300 }),
    ];
    const { integration, provider } = rollupDeltas(checks, rules);
    const hourA = integration.find((d) => d.scope === 'a' && d.granularity === 'hour');
    expect(hourA).to.include({ checks: 2, ok: 1, failed: 1, degraded: 0, latencySumMs: 5100, latencyMaxMs: 5000 });
    expect(hourA?.errorsByCode).to.deep.equal({ timeout: 1 });
    expect(provider.filter((d) => d.granularity === 'hour').map((d) => d.checks)).to.deep.equal([2, 1]);
    expect(provider.find((d) => d.granularity === 'month')?.checks).to.equal(3);
  });
});

describe('latency sketch', () => {
  it('puts every value in a bucket whose representative is within 5 %', () => {
    for (const ms of [2, 7, 50, 333, 1234, 4999, 60_000]) {
      expect(bucketValue(bucketOf(ms))).to.be.within(ms * 0.95, ms * 1.05);
    }
  });

  it('merges by adding counts, so merged percentiles equal those of the combined data', () => {
    const a = Array.from({ length: 500 }, (_, i) => 10 + i);
    const b = Array.from({ length: 500 }, (_, i) => 1000 + 3 * i);
    const merged = mergeSketches(sketchOf(a), sketchOf(b));
    expect(merged).to.deep.equal(sketchOf([...a, ...b]));
    const all = [...a, ...b].sort((x, y) => x - y);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = all[Math.floor(q * (all.length - 1))] as number;
      expect(quantile(merged, q), `p${q * 100}`).to.be.within(exact * 0.95, exact * 1.05);
    }
    expect(quantile({}, 0.5)).to.equal(null);
  });
});
