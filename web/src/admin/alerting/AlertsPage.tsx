// /admin/alerting: the section's landing page. Open alerts at a glance, then the whole history
// with the API's filters, paged by its keyset cursor (stable while new alerts arrive).
import { useEffect, useState } from 'react';
import { ErrorState } from '../../ui/ErrorState';
import { ChevronLeft, ChevronRight } from '../../ui/Icons';
import { Skeleton } from '../../ui/Skeleton';
import { AlertFiltersBar } from './AlertFiltersBar';
import { AlertSummary } from './AlertSummary';
import { AlertTable } from './AlertTable';
import { noAlertFilters, useAlertList, type AlertFilters } from './alertingApi';

export function AlertsPage() {
  const [filters, setFilters] = useState<AlertFilters>(noAlertFilters);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const before = cursors[cursors.length - 1] ?? null;
  const q = useAlertList(filters, before);

  useEffect(() => {
    document.title = 'Alerts · Pulse admin';
  }, []);

  const filtered = Object.values(filters).some(Boolean);
  const filter = (f: AlertFilters) => {
    setFilters(f);
    setCursors([null]);
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Alerts</h1>
          <p className="page-head__lede muted">What the alert rules raised. Acknowledge an alert to stop its escalation.</p>
        </div>
      </div>
      <AlertSummary filters={filters} onPick={(f) => filter({ ...noAlertFilters, ...f })} />
      <section className="card section" aria-labelledby="alert-history-heading">
        <div className="section__head">
          <h2 id="alert-history-heading">History</h2>
          {filtered && <button type="button" className="button button--ghost button--small" onClick={() => filter(noAlertFilters)}>Clear filters</button>}
        </div>
        <AlertFiltersBar filters={filters} onChange={filter} />
        {q.error && !q.data ? (
          <ErrorState title="Could not load the alerts" error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.data ? (
          <div aria-busy="true" className="table-skeleton">
            <span className="visually-hidden" role="status">Loading alerts</span>
            {Array.from({ length: 8 }, (_, i) => <Skeleton key={i} height={22} style={{ margin: '16px 0' }} />)}
          </div>
        ) : q.data.alerts.length === 0 ? (
          <p className="muted empty-filter">{filtered ? 'No alerts match these filters.' : 'No alerts yet. When a rule fires, its alert appears here.'}</p>
        ) : (
          <AlertTable alerts={q.data.alerts} refreshing={q.isPlaceholderData} />
        )}
        {q.error && q.data && <ErrorState compact title="Showing the last alerts we could load" error={q.error} onRetry={() => void q.refetch()} />}
        <div className="pager">
          <p className="muted small" aria-live="polite">{cursors.length > 1 ? `Page ${cursors.length}` : 'Newest first'}</p>
          <div className="pager__buttons">
            <button type="button" className="button button--secondary button--small" disabled={cursors.length === 1}
              onClick={() => setCursors(cursors.slice(0, -1))}>
              <ChevronLeft size={16} /> Newer
            </button>
            <button type="button" className="button button--secondary button--small" disabled={!q.data?.nextBefore}
              onClick={() => q.data?.nextBefore && setCursors([...cursors, q.data.nextBefore])}>
              Older <ChevronRight size={16} />
            </button>
          </div>
        </div>
      </section>
    </>
  );
}
