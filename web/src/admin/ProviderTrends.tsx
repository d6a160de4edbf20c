// Success rate and p95 latency per provider over the selected range (lazy uPlot charts).
import { useMemo } from 'react';
import type { ProviderHealth } from '../api/types';
import { TrendChart } from '../charts/lazy';
import { latency, percent, providerName } from '../lib/format';

const pct = (v: number | null) => (v === null ? '—' : percent(v, 1));

export function ProviderTrends({ providers, from, to, rangeLabel }: { providers: ProviderHealth[]; from: number; to: number; rangeLabel: string }) {
  const success = useMemo(() => providers.map((p) => ({ provider: p.provider, points: p.trend.map((t) => ({ t: Date.parse(t.bucketStart), v: t.successRate })) })), [providers]);
  const p95 = useMemo(() => providers.map((p) => ({ provider: p.provider, points: p.trend.map((t) => ({ t: Date.parse(t.bucketStart), v: t.latencyP95Ms })) })), [providers]);
  const summary = (f: (p: ProviderHealth) => string) => providers.map((p) => `${providerName(p.provider)} ${f(p)}`).join(', ');
  return (
    <div className="chart-grid">
      <section className="card section" aria-labelledby="trend-success-heading">
        <h3 id="trend-success-heading" className="section__title">Success rate</h3>
        <TrendChart series={success} from={from} to={to} format={pct} yMax={1}
          label={`Success rate by provider over the last ${rangeLabel}: ${summary((p) => percent(p.successRate))}.`} />
      </section>
      <section className="card section" aria-labelledby="trend-latency-heading">
        <h3 id="trend-latency-heading" className="section__title">Latency, p95</h3>
        <TrendChart series={p95} from={from} to={to} format={(v) => latency(v)}
          label={`95th percentile latency by provider over the last ${rangeLabel}: ${summary((p) => latency(p.latencyP95Ms))}.`} />
      </section>
    </div>
  );
}
