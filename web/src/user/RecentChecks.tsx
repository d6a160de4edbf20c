// The recent checks of one integration: filter, sort, each check's steps, CSV of what is loaded.
import { useMemo, useState } from 'react';
import type { HistoryRange, RawCheck } from '../api/types';
import { codeLabel, latency } from '../lib/format';
import { toCsv, downloadText } from '../lib/csv';
import { ErrorState } from '../ui/ErrorState';
import { CheckCircle, Download, XOctagon } from '../ui/Icons';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { useRecentChecks } from './useHistory';

type Outcome = 'all' | RawCheck['outcome'];
type Trigger = 'all' | RawCheck['trigger'];
type Sort = 'newest' | 'oldest' | 'slowest' | 'fastest';

const sorts: Record<Sort, (a: RawCheck, b: RawCheck) => number> = {
  newest: (a, b) => b.checkedAt.localeCompare(a.checkedAt),
  oldest: (a, b) => a.checkedAt.localeCompare(b.checkedAt),
  slowest: (a, b) => b.durationMs - a.durationMs,
  fastest: (a, b) => a.durationMs - b.durationMs,
};

const triggerLabel = (c: RawCheck) => (c.trigger === 'retry' ? `Retry ${c.attempt}` : c.trigger === 'manual' ? 'Manual' : 'Scheduled');

function Outcome({ c }: { c: RawCheck }) {
  return c.outcome === 'succeeded'
    ? <span className="outcome outcome--ok"><CheckCircle size={14} />Succeeded</span>
    : <span className="outcome outcome--failed"><XOctagon size={14} />Failed</span>;
}

function Steps({ c }: { c: RawCheck }) {
  if (!c.steps.length) return <span className="muted">—</span>;
  const longest = Math.max(1, ...c.steps.map((s) => s.durationMs));
  return (
    <details className="steps">
      <summary>{c.steps.length} {c.steps.length === 1 ? 'step' : 'steps'}</summary>
      <ol>
        {c.steps.map((s, i) => (
          <li key={i} className={`step step--${s.outcome === 'succeeded' || s.outcome === 'ok' ? 'ok' : s.outcome === 'skipped' ? 'skipped' : 'failed'}`}>
            <span className="step__name">{s.name.replace(/_/g, ' ')}</span>
            <span className="step__bar" aria-hidden="true"><span style={{ width: `${Math.max(4, (s.durationMs / longest) * 100)}%` }} /></span>
            <span className="step__meta tabular">{latency(s.durationMs)} · {s.outcome}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

export function RecentChecks({ integrationId, name, range }: { integrationId: string; name: string; range: HistoryRange }) {
  const q = useRecentChecks(integrationId, range);
  const [outcome, setOutcome] = useState<Outcome>('all');
  const [trigger, setTrigger] = useState<Trigger>('all');
  const [sort, setSort] = useState<Sort>('newest');
  const loaded = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  const rows = useMemo(
    () => loaded.filter((c) => (outcome === 'all' || c.outcome === outcome) && (trigger === 'all' || c.trigger === trigger)).sort(sorts[sort]),
    [loaded, outcome, trigger, sort],
  );

  function exportCsv() {
    const csv = toCsv(rows, [
      { header: 'checkedAt', value: (c) => c.checkedAt },
      { header: 'outcome', value: (c) => c.outcome },
      { header: 'trigger', value: (c) => c.trigger },
      { header: 'attempt', value: (c) => c.attempt },
      { header: 'durationMs', value: (c) => c.durationMs },
      { header: 'httpStatus', value: (c) => c.httpStatus },
      { header: 'errorCode', value: (c) => c.errorCode },
      { header: 'steps', value: (c) => c.steps.map((s) => `${s.name}:${s.outcome}:${s.durationMs}ms`).join(' | ') },
    ]);
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'integration';
    downloadText(`pulse-${slug}-checks-${new Date().toISOString().slice(0, 10)}.csv`, csv);
  }

  return (
    <section className="card section" aria-labelledby="recent-checks-heading">
      <div className="section__head">
        <h2 id="recent-checks-heading">Recent checks</h2>
        <button type="button" className="button button--secondary button--small" onClick={exportCsv} disabled={!rows.length}>
          <Download size={16} /> Export CSV
        </button>
      </div>
      <div className="toolbar toolbar--compact">
        <label className="select-field">
          <span>Result</span>
          <select value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome)}>
            <option value="all">All results</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        </label>
        <label className="select-field">
          <span>Trigger</span>
          <select value={trigger} onChange={(e) => setTrigger(e.target.value as Trigger)}>
            <option value="all">Any trigger</option>
            <option value="scheduled">Scheduled</option>
            <option value="manual">Manual</option>
            <option value="retry">Retry</option>
          </select>
        </label>
        <label className="select-field">
          <span>Sort</span>
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
            <option value="slowest">Slowest first</option>
            <option value="fastest">Fastest first</option>
          </select>
        </label>
        <p className="muted small toolbar__note" aria-live="polite">
          {q.data ? `${rows.length} of ${loaded.length} loaded checks` : ''}
        </p>
      </div>
      {q.isPending ? (
        <div aria-busy="true" className="table-skeleton">
          <span className="visually-hidden" role="status">Loading checks</span>
          {Array.from({ length: 6 }, (_, i) => <Skeleton key={i} height={20} style={{ margin: '14px 0' }} />)}
        </div>
      ) : q.error && !q.data ? (
        <ErrorState title="Could not load the checks" error={q.error} onRetry={() => void q.refetch()} />
      ) : rows.length === 0 ? (
        <p className="muted empty-filter">{loaded.length ? 'No checks match these filters.' : 'No checks in this period yet.'}</p>
      ) : (
        <div className="table-scroll" role="region" aria-labelledby="recent-checks-heading" tabIndex={0}>
          <table className="table checks-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Result</th>
                <th scope="col">Trigger</th>
                <th scope="col" className="num">Duration</th>
                <th scope="col" className="num">HTTP</th>
                <th scope="col">Error</th>
                <th scope="col">Steps</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={`${c.checkedAt}-${c.trigger}-${c.attempt}`}>
                  <td><Timestamp iso={c.checkedAt} clock /></td>
                  <td><Outcome c={c} /></td>
                  <td>{triggerLabel(c)}</td>
                  <td className="num tabular">{latency(c.durationMs)}</td>
                  <td className="num tabular">{c.httpStatus ?? '—'}</td>
                  <td>{c.errorCode ? codeLabel(c.errorCode) : <span className="muted">—</span>}</td>
                  <td><Steps c={c} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {q.hasNextPage && (
        <div className="section__foot">
          <button type="button" className="button button--secondary" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
            {q.isFetchingNextPage ? 'Loading…' : 'Load older checks'}
          </button>
        </div>
      )}
    </section>
  );
}
