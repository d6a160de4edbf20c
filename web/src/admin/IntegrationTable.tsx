// Every integration (or one provider's), worst first: filter by status, provider and user,
// page through, export the filtered list as CSV (the API streams it; the export is audited).
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import type { AdminHealth, HealthStatus } from '../api/types';
import { codeLabel, latency, providerName } from '../lib/format';
import { HealthIndicator, statusLabel } from '../ui/HealthIndicator';
import { ChevronLeft, ChevronRight, Download } from '../ui/Icons';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { healthPath, type ListFilters } from './useAdminHealth';

const providers = ['gmail', 'google_calendar', 'slack', 'mcp', 'http'];
const pageSizes = [25, 50, 100];

interface Props {
  scope: string | undefined;
  data: AdminHealth['integrations'] | undefined;
  filters: ListFilters;
  onChange: (f: ListFilters) => void;
  fetching: boolean;
}

/** The user filter applies after a short pause in typing, not on every keystroke. */
function useDebounced(value: string, ms: number) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function IntegrationTable({ scope, data, filters, onChange, fetching }: Props) {
  const [user, setUser] = useState(filters.user ?? '');
  const debouncedUser = useDebounced(user.trim(), 400);
  useEffect(() => {
    if ((filters.user ?? '') !== debouncedUser) onChange({ ...filters, user: debouncedUser || undefined, offset: 0 });
  }, [debouncedUser]);

  const set = (patch: Partial<ListFilters>) => onChange({ ...filters, ...patch, offset: patch.offset ?? 0 });
  const csvHref = healthPath(scope, { format: 'csv', status: filters.status, provider: scope ? undefined : filters.provider, user: filters.user });
  const from = data && data.total ? filters.offset + 1 : 0;
  const to = data ? Math.min(filters.offset + filters.limit, data.total) : 0;

  return (
    <section className="card section" aria-labelledby="integrations-table-heading">
      <div className="section__head">
        <h2 id="integrations-table-heading">Integrations</h2>
        <a className="button button--secondary button--small" href={csvHref} download>
          <Download size={16} /> Export CSV
        </a>
      </div>
      <div className="toolbar toolbar--compact">
        <label className="select-field">
          <span>Status</span>
          <select value={filters.status ?? ''} onChange={(e) => set({ status: (e.target.value || undefined) as HealthStatus | undefined })}>
            <option value="">Any status</option>
            {(['red', 'yellow', 'green', 'unknown'] as HealthStatus[]).map((s) => <option key={s} value={s}>{statusLabel[s]}</option>)}
          </select>
        </label>
        {!scope && (
          <label className="select-field">
            <span>Provider</span>
            <select value={filters.provider ?? ''} onChange={(e) => set({ provider: e.target.value || undefined })}>
              <option value="">Any provider</option>
              {providers.map((p) => <option key={p} value={p}>{providerName(p)}</option>)}
            </select>
          </label>
        )}
        <label className="select-field select-field--grow">
          <span>User</span>
          <input type="search" placeholder="Exact user id" value={user} onChange={(e) => setUser(e.target.value)} />
        </label>
      </div>
      {!data ? (
        <div aria-busy="true" className="table-skeleton">
          <span className="visually-hidden" role="status">Loading integrations</span>
          {Array.from({ length: 8 }, (_, i) => <Skeleton key={i} height={20} style={{ margin: '14px 0' }} />)}
        </div>
      ) : data.items.length === 0 ? (
        <p className="muted empty-filter">No integrations match these filters.</p>
      ) : (
        <div className={`table-scroll${fetching ? ' is-refreshing' : ''}`} role="region" aria-labelledby="integrations-table-heading" tabIndex={0}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Integration</th>
                <th scope="col">Status</th>
                <th scope="col">User</th>
                <th scope="col">Last checked</th>
                <th scope="col">Last success</th>
                <th scope="col" className="num">Failures</th>
                <th scope="col" className="num">Latency</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <tr key={r.integrationId}>
                  <th scope="row">
                    <Link href={`/integrations/${r.integrationId}`} className="cell-link cell-link--stacked">
                      <span>{r.displayName}</span>
                      <span className="muted small">{providerName(r.provider)}</span>
                    </Link>
                  </th>
                  <td><HealthIndicator status={r.status} size="sm" /></td>
                  <td className="mono small">{r.userId}</td>
                  <td><Timestamp iso={r.lastCheckedAt} /></td>
                  <td><Timestamp iso={r.lastSuccessAt} /></td>
                  <td className="num tabular">{r.consecutiveFailures}</td>
                  <td className="num tabular">{latency(r.latencyMs)}</td>
                  <td>{r.errorCode ? codeLabel(r.errorCode) : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="pager">
        <p className="muted small" aria-live="polite">{data ? `${from}–${to} of ${data.total}` : '\u00a0'}</p>
        <label className="select-field select-field--inline">
          <span>Per page</span>
          <select value={filters.limit} onChange={(e) => set({ limit: Number(e.target.value) })}>
            {pageSizes.map((n) => <option key={n} value={n}>{n}</option>)}
          </select>
        </label>
        <div className="pager__buttons">
          <button type="button" className="button button--secondary button--small" disabled={filters.offset === 0}
            onClick={() => set({ offset: Math.max(0, filters.offset - filters.limit) })}>
            <ChevronLeft size={16} /> Previous
          </button>
          <button type="button" className="button button--secondary button--small" disabled={!data || to >= data.total}
            onClick={() => set({ offset: filters.offset + filters.limit })}>
            Next <ChevronRight size={16} />
          </button>
        </div>
      </div>
    </section>
  );
}
