// /admin/integrations/:id: one integration as an admin sees it — whose it is, its state with
// the technical error detail, and time travel (its state at any past instant within
// retention). Each read is recorded in the audit log by the API.
import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { ApiError } from '../api/http';
import type { AdminIntegrationAsOf } from '../api/types';
import { latency, providerName } from '../lib/format';
import { exactTime } from '../lib/time';
import { ErrorState } from '../ui/ErrorState';
import { HealthIndicator } from '../ui/HealthIndicator';
import { ChevronRight, Clock } from '../ui/Icons';
import { ProviderBadge } from '../ui/ProviderBadge';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { ErrorAdvice } from '../user/ErrorAdvice';
import { adminGet, query } from './adminApi';

/** `<input type="datetime-local">` speaks local time without a zone. */
const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

export function AdminIntegrationPage({ id }: { id: string }) {
  // null = now (re-read on every refresh); otherwise a past instant.
  const [asOf, setAsOf] = useState<number | null>(null);
  const [input, setInput] = useState('');
  const q = useQuery({
    queryKey: ['admin', 'integration', id, asOf],
    queryFn: ({ signal }) => adminGet<AdminIntegrationAsOf>(`/api/admin/integrations/${encodeURIComponent(id)}/health${query({ asOf: new Date(asOf ?? Date.now()).toISOString() })}`, signal),
    // Every read is an audited action: read when asked, never on a timer or on window focus.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const v = q.data;
  useEffect(() => {
    document.title = `${v?.displayName ?? 'Integration'} · Pulse admin`;
  }, [v?.displayName]);

  function travel(e: FormEvent) {
    e.preventDefault();
    const t = Date.parse(input);
    if (Number.isFinite(t)) setAsOf(t);
  }

  const notFound = q.error instanceof ApiError && q.error.status === 404;
  const invalid = q.error instanceof ApiError && q.error.status === 400 ? Object.values(q.error.fields)[0] ?? q.error.message : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb breadcrumb--trail">
        <Link href="/">System health</Link>
        <ChevronRight size={14} />
        {v ? <Link href={`/providers/${v.provider}`}>{providerName(v.provider)}</Link> : <Skeleton width={60} height={14} />}
        <ChevronRight size={14} />
        <span aria-current="page">{v?.displayName ?? 'Integration'}</span>
      </nav>
      {notFound ? (
        <div className="empty-state card"><h1>Integration not found</h1><p>No integration has this id.</p></div>
      ) : (
        <>
          <section className="card detail-head" aria-labelledby="admin-integration-title" aria-busy={!v}>
            <div className="detail-head__top">
              {v ? <ProviderBadge provider={v.provider} size={48} /> : <Skeleton width={48} height={48} radius={12} />}
              <div className="detail-head__title">
                <h1 id="admin-integration-title">{v?.displayName ?? <Skeleton width="40%" height={28} />}</h1>
                <p className="muted">{v ? <>{providerName(v.provider)} · user <span className="mono">{v.userId}</span></> : <Skeleton width="30%" height={14} />}</p>
              </div>
              {v ? <HealthIndicator status={v.status} size="lg" /> : <Skeleton width={110} height={32} radius={999} />}
            </div>
            <p className="asof-note">
              <Clock size={14} /> {asOf === null ? 'Current state' : <>State as of <strong>{exactTime(asOf)}</strong></>}, rebuilt from its check history · id <span className="mono">{id}</span>
            </p>
            <dl className="facts facts--wide">
              <div><dt>Last successful check</dt><dd>{v ? <Timestamp iso={v.lastSuccessAt} empty="not yet" /> : <Skeleton width="60%" height={16} />}</dd></div>
              <div><dt>Last checked</dt><dd>{v ? <Timestamp iso={v.lastCheckedAt} empty="not yet" /> : <Skeleton width="60%" height={16} />}</dd></div>
              <div><dt>Latency</dt><dd className="tabular">{v ? latency(v.latencyMs) : <Skeleton width="40%" height={16} />}</dd></div>
              <div><dt>Failures in a row</dt><dd className="tabular">{v ? v.consecutiveFailures : <Skeleton width="30%" height={16} />}</dd></div>
              <div><dt>Checks (kept history)</dt><dd className="tabular">{v ? v.checkCount.toLocaleString() : <Skeleton width="30%" height={16} />}</dd></div>
            </dl>
            {v?.error && (
              <>
                <ErrorAdvice error={v.error} status={v.status} headingLevel={3} />
                {v.error.detail && (
                  <div className="tech-detail">
                    <h3 className="advice__heading">Technical detail</h3>
                    <pre><code>{v.error.code}: {v.error.detail}</code></pre>
                  </div>
                )}
              </>
            )}
            {q.error && !notFound && !invalid && <ErrorState compact title="Could not load this integration" error={q.error} onRetry={() => void q.refetch()} />}
          </section>

          <section className="card section" aria-labelledby="time-travel-heading">
            <h2 id="time-travel-heading">Time travel</h2>
            <p className="muted">See this integration as it was at a past moment (as far back as check history is kept). Each look is recorded in the audit log.</p>
            <form className="toolbar toolbar--compact" onSubmit={travel}>
              <label className="select-field">
                <span>As of</span>
                <input type="datetime-local" value={input} max={toLocalInput(Date.now())} onChange={(e) => setInput(e.target.value)} required
                  aria-invalid={!!invalid} aria-describedby={invalid ? 'asof-error' : undefined} />
              </label>
              <button type="submit" className="button button--secondary">Show</button>
              {asOf !== null
                ? <button type="button" className="button button--ghost" onClick={() => { setAsOf(null); setInput(''); }}>Back to now</button>
                : <button type="button" className="button button--ghost" onClick={() => void q.refetch()} disabled={q.isFetching}>Refresh current state</button>}
            </form>
            {invalid && <p id="asof-error" className="field-error" role="alert">{invalid.charAt(0).toUpperCase() + invalid.slice(1)}.</p>}
          </section>
        </>
      )}
    </>
  );
}
