// Per-provider success/failure rates and latency over the range; each row drills down.
import { Link } from 'wouter';
import type { ProviderHealth } from '../api/types';
import { count, latency, percent, providerName } from '../lib/format';
import { ChevronRight } from '../ui/Icons';
import { ProviderBadge } from '../ui/ProviderBadge';

function RateBar({ rate }: { rate: number | null }) {
  return (
    <span className="rate">
      <span className="rate__bar" aria-hidden="true">
        <span className="rate__ok" style={{ width: `${(rate ?? 0) * 100}%` }} />
      </span>
      <span className="tabular">{percent(rate)}</span>
    </span>
  );
}

export function ProviderTable({ providers }: { providers: ProviderHealth[] }) {
  if (!providers.length) return <p className="muted empty-filter">No checks in this period yet.</p>;
  return (
    <div className="table-scroll" role="region" aria-label="Providers" tabIndex={0}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Provider</th>
            <th scope="col" className="num">Checks</th>
            <th scope="col">Success rate</th>
            <th scope="col" className="num">Failure rate</th>
            <th scope="col" className="num">Avg</th>
            <th scope="col" className="num">p50</th>
            <th scope="col" className="num">p95</th>
            <th scope="col" className="num">p99</th>
            <th scope="col"><span className="visually-hidden">Open</span></th>
          </tr>
        </thead>
        <tbody>
          {providers.map((p) => (
            <tr key={p.provider} className="row-link">
              <th scope="row">
                <Link href={`/providers/${p.provider}`} className="cell-link">
                  <ProviderBadge provider={p.provider} size={26} /> {providerName(p.provider)}
                </Link>
              </th>
              <td className="num tabular">{count(p.checks)}</td>
              <td><RateBar rate={p.successRate} /></td>
              <td className={`num tabular${(p.failureRate ?? 0) > 0.05 ? ' text-red' : ''}`}>{percent(p.failureRate)}</td>
              <td className="num tabular">{latency(p.latencyAvgMs)}</td>
              <td className="num tabular">{latency(p.latencyP50Ms)}</td>
              <td className="num tabular">{latency(p.latencyP95Ms)}</td>
              <td className="num tabular">{latency(p.latencyP99Ms)}</td>
              <td aria-hidden="true"><ChevronRight size={16} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
