// "/integrations/:id": one integration in depth — its state and the fix, the alerts raised
// about it, status and latency history over 24h / 7d / 30d, and the recent checks with their steps.
import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { ApiError } from '../api/http';
import { historyRanges, type HealthDetail, type HistoryRange } from '../api/types';
import { LatencyChart, StatusHistoryChart, ChartSkeleton } from '../charts/lazy';
import { latency, providerName } from '../lib/format';
import { useChangeFlash } from '../lib/useChangeFlash';
import { ErrorState } from '../ui/ErrorState';
import { HealthIndicator } from '../ui/HealthIndicator';
import { ChevronLeft } from '../ui/Icons';
import { ProviderBadge } from '../ui/ProviderBadge';
import { SegmentedControl } from '../ui/SegmentedControl';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { CheckNowButton, CheckResult } from './CheckNow';
import { ErrorAdvice } from './ErrorAdvice';
import { IntegrationAlerts } from './IntegrationAlerts';
import { RecentChecks } from './RecentChecks';
import { ReconnectButton } from './ReconnectButton';
import { useIntegration } from './queries';
import { useCheckNow } from './useCheckNow';
import { historyKey, useChartHistory } from './useHistory';

/** New checks arrive live; refresh the history they belong to, at most every few seconds. */
function useHistoryFollowsLive(id: string, lastCheckedAt: string | null | undefined) {
  const qc = useQueryClient();
  const last = useRef(0);
  useEffect(() => {
    if (!lastCheckedAt) return;
    const wait = Math.max(0, last.current + 5_000 - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      void qc.invalidateQueries({ queryKey: historyKey(id) });
    }, wait);
    return () => clearTimeout(timer);
  }, [id, lastCheckedAt, qc]);
}

function Header({ view }: { view: HealthDetail }) {
  const changed = useChangeFlash(view.status);
  const check = useCheckNow(view);
  return (
    <section className={`card detail-head integration--${view.status}${changed ? ' is-changed' : ''}`} aria-labelledby="integration-title" data-status={view.status}>
      <div className="detail-head__top">
        <ProviderBadge provider={view.provider} size={48} />
        <div className="detail-head__title">
          <h1 id="integration-title">{view.displayName}</h1>
          <p className="muted">{providerName(view.provider)}</p>
        </div>
        <HealthIndicator status={view.status} size="lg" />
      </div>
      <dl className="facts facts--wide">
        <div><dt>Last successful sync</dt><dd><Timestamp iso={view.lastSuccessAt} empty="not yet" /></dd></div>
        <div><dt>Last checked</dt><dd><Timestamp iso={view.lastCheckedAt} empty="not yet" /></dd></div>
        <div><dt>Next check</dt><dd><Timestamp iso={view.nextCheckAt} empty="—" future /></dd></div>
        <div><dt>Latency</dt><dd className="tabular">{latency(view.latencyMs)}</dd></div>
        <div><dt>Failures in a row</dt><dd className="tabular">{view.consecutiveFailures}</dd></div>
        <div><dt>Checks run</dt><dd className="tabular">{view.checkCount.toLocaleString()}</dd></div>
      </dl>
      {view.error && view.status !== 'green' && <ErrorAdvice error={view.error} status={view.status} headingLevel={3} />}
      <div className="detail-head__actions">
        {view.reauthRequired && <ReconnectButton integrationId={view.integrationId} name={view.displayName} />}
        <CheckNowButton check={check} view={view} variant={view.reauthRequired ? 'secondary' : 'primary'} />
        <CheckResult check={check} view={view} />
      </div>
    </section>
  );
}

function HeaderSkeleton() {
  return (
    <div className="card detail-head" aria-busy="true">
      <span className="visually-hidden" role="status">Loading the integration</span>
      <div className="detail-head__top">
        <Skeleton width={48} height={48} radius={12} />
        <div className="detail-head__title"><Skeleton width="40%" height={28} /><Skeleton width="20%" height={14} style={{ marginTop: 8 }} /></div>
        <Skeleton width={110} height={32} radius={999} />
      </div>
      <div className="facts facts--wide">
        {Array.from({ length: 6 }, (_, i) => <div key={i}><Skeleton width="70%" height={12} /><Skeleton width="50%" height={16} style={{ marginTop: 6 }} /></div>)}
      </div>
      <div className="detail-head__actions"><Skeleton width={120} height={38} radius={10} /></div>
    </div>
  );
}

function History({ id, range }: { id: string; range: HistoryRange }) {
  const q = useChartHistory(id, range);
  const label = historyRanges.find((r) => r.value === range)!.label;
  return (
    <div className="chart-grid">
      <section className="card section" aria-labelledby="status-chart-heading">
        <h3 id="status-chart-heading" className="section__title">Status history</h3>
        {q.data ? <StatusHistoryChart history={q.data} from={q.data.from} to={q.data.to} rangeLabel={label} />
          : q.error ? <ErrorState compact title="Could not load the history" error={q.error} onRetry={() => void q.refetch()} />
          : <ChartSkeleton />}
      </section>
      <section className="card section" aria-labelledby="latency-chart-heading">
        <h3 id="latency-chart-heading" className="section__title">Latency</h3>
        {q.data ? <LatencyChart history={q.data} from={q.data.from} to={q.data.to} rangeLabel={label} />
          : q.error ? <ErrorState compact title="Could not load the history" error={q.error} onRetry={() => void q.refetch()} />
          : <ChartSkeleton />}
      </section>
    </div>
  );
}

export function IntegrationHealthDashboard({ id }: { id: string }) {
  const q = useIntegration(id);
  const [range, setRange] = useState<HistoryRange>('24h');
  useHistoryFollowsLive(id, q.data?.lastCheckedAt);
  useEffect(() => {
    document.title = `${q.data?.displayName ?? 'Integration'} · Pulse`;
  }, [q.data?.displayName]);

  const notFound = q.error instanceof ApiError && q.error.status === 404;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/"><ChevronLeft size={16} /> All integrations</Link>
      </nav>
      {notFound ? (
        <div className="empty-state card">
          <h1>Integration not found</h1>
          <p>It may have been disconnected, or the link belongs to someone else's account.</p>
          <Link href="/" className="button button--primary">Back to your integrations</Link>
        </div>
      ) : q.data ? (
        <Header view={q.data} />
      ) : q.error ? (
        <ErrorState title="Could not load this integration" error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <HeaderSkeleton />
      )}
      {!notFound && (
        <>
          <IntegrationAlerts id={id} status={q.data?.status} />
          <div className="section-bar">
            <h2 className="section-bar__title">History</h2>
            <SegmentedControl label="Time range" value={range} onChange={setRange}
              options={historyRanges.map((r) => ({ value: r.value, label: `Last ${r.label}`, short: r.value }))} />
          </div>
          <History id={id} range={range} />
          <RecentChecks integrationId={id} name={q.data?.displayName ?? 'integration'} range={range} />
        </>
      )}
    </>
  );
}
