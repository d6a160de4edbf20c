// The headline numbers: how many integrations in which state, how many checks ran in the
// range, the success rate and latency across providers.
import type { AdminHealth, HealthStatus } from '../api/types';
import { count, latency, percent, providerName } from '../lib/format';
import { HealthIndicator } from '../ui/HealthIndicator';
import { Skeleton } from '../ui/Skeleton';

const order: HealthStatus[] = ['green', 'yellow', 'red', 'unknown'];

function Widget({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: 'good' | 'bad' }) {
  return (
    <div className="card metric">
      <p className="metric__label">{label}</p>
      <p className={`metric__value tabular${tone ? ` metric__value--${tone}` : ''}`}>{value}</p>
      <p className="metric__hint muted small">{hint ?? '\u00a0'}</p>
    </div>
  );
}

/** `scoped`: one provider's figures, where "slowest provider" would mean nothing. */
export function MetricsWidgets({ data, rangeLabel, scoped = false }: { data: AdminHealth | undefined; rangeLabel: string; scoped?: boolean }) {
  if (!data) {
    return (
      <div className="metrics" aria-hidden="true">
        <div className="card metric metric--wide"><Skeleton width="40%" height={12} /><Skeleton width="30%" height={30} style={{ marginTop: 10 }} /><Skeleton height={10} style={{ marginTop: 14 }} /></div>
        {Array.from({ length: 4 }, (_, i) => <div key={i} className="card metric"><Skeleton width="60%" height={12} /><Skeleton width="50%" height={30} style={{ marginTop: 10 }} /><Skeleton width="70%" height={12} style={{ marginTop: 10 }} /></div>)}
      </div>
    );
  }
  const total = order.reduce((n, s) => n + data.totals[s], 0);
  const checks = data.providers.reduce((n, p) => n + p.checks, 0);
  const good = data.providers.reduce((n, p) => n + p.ok + p.degraded, 0);
  const failed = data.providers.reduce((n, p) => n + p.failed, 0);
  const avg = checks ? data.providers.reduce((n, p) => n + (p.latencyAvgMs ?? 0) * p.checks, 0) / checks : null;
  // Quantiles do not add up across providers; the worst provider's p95 is the honest headline.
  const worst = [...data.providers].filter((p) => p.latencyP95Ms !== null).sort((a, b) => b.latencyP95Ms! - a.latencyP95Ms!)[0];
  const successRate = checks ? good / checks : null;
  return (
    <div className="metrics">
      <div className="card metric metric--wide">
        <p className="metric__label">Integrations</p>
        <p className="metric__value tabular">{count(total)}</p>
        <div className="status-bar" role="img" aria-label={order.map((s) => `${data.totals[s]} ${s === 'green' ? 'healthy' : s === 'yellow' ? 'degraded' : s === 'red' ? 'failing' : 'not checked yet'}`).join(', ')}>
          {order.map((s) => data.totals[s] > 0 && <span key={s} className={`status-bar__part status-bar__part--${s}`} style={{ flexGrow: data.totals[s] }} />)}
          {total === 0 && <span className="status-bar__part status-bar__part--unknown" style={{ flexGrow: 1 }} />}
        </div>
        <ul className="status-legend">
          {order.map((s) => <li key={s}><HealthIndicator status={s} size="sm" /> <span className="tabular">{data.totals[s]}</span></li>)}
        </ul>
      </div>
      <Widget label={`Checks, last ${rangeLabel}`} value={count(checks)} hint={failed ? `${count(failed)} failed` : 'none failed'} />
      <Widget label="Success rate" value={percent(successRate)} hint="succeeded or degraded" tone={successRate === null ? undefined : successRate >= 0.99 ? 'good' : successRate < 0.95 ? 'bad' : undefined} />
      <Widget label="Average latency" value={latency(avg)} hint="across all checks" />
      {scoped
        ? <Widget label="Latency, p95" value={latency(worst?.latencyP95Ms)} hint={worst ? `p99 ${latency(worst.latencyP99Ms)}` : 'no checks yet'} />
        : <Widget label="Slowest provider, p95" value={latency(worst?.latencyP95Ms)} hint={worst ? providerName(worst.provider) : 'no checks yet'} />}
    </div>
  );
}
