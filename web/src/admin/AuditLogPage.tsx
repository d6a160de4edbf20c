// /admin/audit: who did what, newest first. Filters map to the API's; pages follow its keyset
// cursor (stable while new entries arrive), with a stack for going back.
import { useEffect, useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError } from '../api/http';
import type { AuditEntry } from '../api/types';
import { downloadText, toCsv } from '../lib/csv';
import { ErrorState } from '../ui/ErrorState';
import { ChevronLeft, ChevronRight, Download } from '../ui/Icons';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { adminGet, query } from './adminApi';

interface Filters {
  actor: string;
  action: string;
  outcome: '' | AuditEntry['outcome'];
  from: string;
  to: string;
}

const empty: Filters = { actor: '', action: '', outcome: '', from: '', to: '' };
// The actions the API records today (docs/admin-auth.md); free text covers new ones.
const knownActions = ['admin.login', 'admin.logout', 'admin.password_change', 'admin.create', 'admin.set_password', 'admin.disable', 'admin.enable', 'admin.delete',
  'admin.grant_manage', 'admin.revoke_manage', 'admin.accounts', 'replay.start', 'dead_letters.redrive', 'credentials.rotate', 'integration.health_as_of', 'export', 'csrf.rejected'];
const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);

export function AuditLogPage() {
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const before = cursors[cursors.length - 1] ?? null;
  const q = useQuery({
    queryKey: ['admin', 'audit', filters, before],
    queryFn: ({ signal }) => adminGet<{ entries: AuditEntry[]; nextBefore: string | null }>(
      `/api/admin/audit${query({ actor: filters.actor.trim(), action: filters.action.trim(), outcome: filters.outcome, from: iso(filters.from), to: iso(filters.to), before, limit: 50 })}`, signal),
    placeholderData: keepPreviousData,
    // The newest page follows new entries; older pages do not move.
    refetchInterval: before === null ? 15_000 : false,
  });

  useEffect(() => {
    document.title = 'Audit log · Pulse admin';
  }, []);

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters(draft);
    setCursors([null]);
  }

  function exportCsv() {
    const rows = q.data?.entries ?? [];
    downloadText(`pulse-audit-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(rows, [
      { header: 'occurredAt', value: (r) => r.occurredAt }, { header: 'actor', value: (r) => r.actor },
      { header: 'action', value: (r) => r.action }, { header: 'target', value: (r) => r.target },
      { header: 'outcome', value: (r) => r.outcome }, { header: 'sourceIp', value: (r) => r.sourceIp },
      { header: 'userAgent', value: (r) => r.userAgent },
    ]));
  }

  const invalid = q.error instanceof ApiError && q.error.status === 400 ? Object.entries(q.error.fields)[0] : undefined;

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Audit log</h1>
          <p className="page-head__lede muted">Every admin action: sign-ins, account changes, exports, replays, re-drives, time travel — in the portal and from the <code className="code-chip">pulse</code> command line (actor <code className="code-chip">cli:user@host</code>).</p>
        </div>
      </div>
      <section className="card section" aria-labelledby="audit-heading">
        <div className="section__head">
          <h2 id="audit-heading" className="visually-hidden">Entries</h2>
          <form className="toolbar toolbar--compact audit-filters" onSubmit={apply}>
            <label className="select-field">
              <span>Actor</span>
              <input type="search" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })} placeholder="email" />
            </label>
            <label className="select-field">
              <span>Action</span>
              <input type="search" list="audit-actions" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} placeholder="any" />
              <datalist id="audit-actions">{knownActions.map((a) => <option key={a} value={a} />)}</datalist>
            </label>
            <label className="select-field">
              <span>Outcome</span>
              <select value={draft.outcome} onChange={(e) => setDraft({ ...draft, outcome: e.target.value as Filters['outcome'] })}>
                <option value="">Any</option>
                <option value="success">Success</option>
                <option value="failure">Failure</option>
                <option value="denied">Denied</option>
              </select>
            </label>
            <label className="select-field">
              <span>From</span>
              <input type="datetime-local" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
            </label>
            <label className="select-field">
              <span>To</span>
              <input type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
            </label>
            <div className="audit-filters__actions">
              <button type="submit" className="button button--primary button--small">Apply</button>
              <button type="button" className="button button--ghost button--small" onClick={() => { setDraft(empty); setFilters(empty); setCursors([null]); }}>Clear</button>
            </div>
          </form>
        </div>
        {invalid && <p className="field-error" role="alert">{invalid[0]} {invalid[1]}.</p>}
        {q.error && !q.data && !invalid ? (
          <ErrorState title="Could not load the audit log" error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.data ? (
          <div aria-busy="true" className="table-skeleton">
            <span className="visually-hidden" role="status">Loading the audit log</span>
            {Array.from({ length: 10 }, (_, i) => <Skeleton key={i} height={20} style={{ margin: '14px 0' }} />)}
          </div>
        ) : q.data.entries.length === 0 ? (
          <p className="muted empty-filter">No entries match.</p>
        ) : (
          <div className={`table-scroll${q.isPlaceholderData ? ' is-refreshing' : ''}`} role="region" aria-label="Audit log entries" tabIndex={0}>
            <table className="table audit-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {q.data.entries.map((e) => (
                  <tr key={e.eventId}>
                    <td><Timestamp iso={e.occurredAt} clock /></td>
                    <td className="small">{e.actor.startsWith('cli:') ? <><span className="pill pill--running">CLI</span> {e.actor.slice(4)}</> : e.actor}</td>
                    <td><code className="code-chip">{e.action}</code></td>
                    <td className="small mono truncate" title={e.target ?? undefined}>{e.target ?? <span className="muted">—</span>}</td>
                    <td><span className={`pill pill--${e.outcome}`}>{e.outcome}</span></td>
                    <td className="small">{e.sourceIp === 'cli' ? <span className="mono">{e.userAgent ?? 'pulse'}</span> : <><span className="mono">{e.sourceIp}</span>{e.userAgent && <span className="muted ua" title={e.userAgent}>{e.userAgent}</span>}</>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <div className="pager">
          <button type="button" className="button button--ghost button--small" onClick={exportCsv} disabled={!q.data?.entries.length}>
            <Download size={16} /> Export this page
          </button>
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
