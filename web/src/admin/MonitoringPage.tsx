// /admin (everything) and /admin/providers/:provider (one provider): headline numbers,
// per-provider rates and latency, trends over 24h / 7d / 30d, and the integration list.
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { timeRanges, rangeHours, type TimeRange } from '../api/types';
import { providerName } from '../lib/format';
import { clockTime } from '../lib/time';
import { ErrorState } from '../ui/ErrorState';
import { ChevronRight } from '../ui/Icons';
import { ProviderBadge } from '../ui/ProviderBadge';
import { SegmentedControl } from '../ui/SegmentedControl';
import { ChartSkeleton } from '../charts/lazy';
import { IntegrationTable } from './IntegrationTable';
import { MetricsWidgets } from './MetricsWidgets';
import { ProviderTable } from './ProviderTable';
import { ProviderTrends } from './ProviderTrends';
import { useAdminHealth, type ListFilters } from './useAdminHealth';

export function MonitoringPage({ provider }: { provider?: string }) {
  const [range, setRange] = useState<TimeRange>('24h');
  const [filters, setFilters] = useState<ListFilters>({ limit: 25, offset: 0 });
  const q = useAdminHealth(provider, range, filters);
  const title = provider ? providerName(provider) : 'System health';
  const rangeLabel = timeRanges.find((r) => r.value === range)!.label;
  const to = q.dataUpdatedAt || Date.now();
  const from = to - rangeHours(range) * 3_600_000;

  useEffect(() => {
    document.title = `${title} · Pulse admin`;
  }, [title]);

  return (
    <>
      {provider && (
        <nav aria-label="Breadcrumb" className="breadcrumb breadcrumb--trail">
          <Link href="/">System health</Link>
          <ChevronRight size={14} />
          <span aria-current="page">{title}</span>
        </nav>
      )}
      <div className="page-head">
        <div className="page-head__title">
          {provider && <ProviderBadge provider={provider} size={40} />}
          <div>
            <h1>{title}</h1>
            <p className="page-head__lede muted">
              {provider ? `Every ${title} integration, across all users.` : 'Every integration of every user, and the providers behind them.'}
              {q.dataUpdatedAt ? <span className="small"> Updated {clockTime(q.dataUpdatedAt)}.</span> : null}
            </p>
          </div>
        </div>
        <SegmentedControl label="Time range" value={range} onChange={setRange}
          options={timeRanges.map((r) => ({ value: r.value, label: `Last ${r.label}`, short: r.value }))} />
      </div>

      {q.error && !q.data ? (
        <ErrorState title="Could not load system health" error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          {q.error && <ErrorState compact title="Showing the last figures we could load" error={q.error} onRetry={() => void q.refetch()} />}
          <MetricsWidgets data={q.data} rangeLabel={rangeLabel} scoped={!!provider} />
          <h2 className="section-bar__title section-bar__title--spaced">Trends</h2>
          {q.data ? <ProviderTrends providers={q.data.providers} from={from} to={to} rangeLabel={rangeLabel} />
            : <div className="chart-grid"><div className="card section"><ChartSkeleton height={220} /></div><div className="card section"><ChartSkeleton height={220} /></div></div>}
          {!provider && (
            <section className="card section" aria-labelledby="providers-heading">
              <div className="section__head"><h2 id="providers-heading">Providers</h2></div>
              {q.data ? <ProviderTable providers={q.data.providers} /> : <ChartSkeleton height={150} />}
            </section>
          )}
          <IntegrationTable scope={provider} data={q.data?.integrations} filters={filters} onChange={setFilters} fetching={q.isPlaceholderData} />
        </>
      )}
    </>
  );
}
