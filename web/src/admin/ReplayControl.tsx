// Rebuild a projection from the event log while the live one keeps serving
// (POST /api/admin/replays), and follow its progress by polling.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http';
import type { Replay } from '../api/types';
import { count } from '../lib/format';
import { duration } from '../lib/time';
import { ErrorState } from '../ui/ErrorState';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { adminGet, adminWrite } from './adminApi';

// The API lists them only in its 400 message; see the report's API gaps.
const projections = [
  { name: 'integration_health', what: 'current health of every integration' },
  { name: 'health_history', what: 'check history and the hourly/monthly rollups behind every chart' },
  { name: 'integrations', what: 'what each integration is (owner, provider, settings)' },
  { name: 'admin_audit', what: 'the audit log' },
];

const running = (r: Replay) => r.state === 'replaying' || r.state === 'switching';
const stateLabel: Record<Replay['state'], string> = { replaying: 'Replaying', switching: 'Switching over', done: 'Done', failed: 'Failed' };

function Progress({ r }: { r: Replay }) {
  const pct = r.total ? Math.min(100, Math.round((r.processed / r.total) * 100)) : running(r) ? 0 : 100;
  return (
    <div className={`replay replay--${r.state}`}>
      <div className="replay__head">
        <code className="code-chip">{r.projection}</code>
        <span className={`pill pill--${r.state === 'failed' ? 'failure' : r.state === 'done' ? 'success' : 'running'}`}>{stateLabel[r.state]}</span>
        <span className="muted small">started <Timestamp iso={r.startedAt} /></span>
      </div>
      <progress max={100} value={pct} aria-label={`Replay of ${r.projection}: ${pct} %`} />
      <p className="small tabular">
        {count(r.processed)} of {count(r.total)} events ({pct} %)
        {running(r) && r.eventsPerSecond > 0 && <> · {count(r.eventsPerSecond)} events/s</>}
        {running(r) && r.etaSeconds !== null && <> · about {duration(r.etaSeconds)} left</>}
        {r.error && <span className="text-red"> · {r.error}</span>}
      </p>
    </div>
  );
}

export function ReplayControl() {
  const qc = useQueryClient();
  const [projection, setProjection] = useState(projections[0]!.name);
  const [confirming, setConfirming] = useState(false);
  const list = useQuery({
    queryKey: ['admin', 'replays'],
    queryFn: ({ signal }) => adminGet<{ replays: Replay[] }>('/api/admin/replays', signal),
    // Poll fast while one runs, slowly otherwise.
    refetchInterval: (q) => (q.state.data?.replays.some(running) ? 1_000 : 15_000),
  });
  const start = useMutation({
    mutationFn: (name: string) => adminWrite<{ replayId: string }>('POST', '/api/admin/replays', { projection: name }),
    onSettled: () => {
      setConfirming(false);
      void qc.invalidateQueries({ queryKey: ['admin', 'replays'] });
    },
  });
  const active = list.data?.replays.filter(running) ?? [];
  const recent = list.data?.replays.filter((r) => !running(r)).slice(0, 5) ?? [];

  return (
    <section className="card section" aria-labelledby="replays-heading">
      <div className="section__head">
        <h2 id="replays-heading">Replays</h2>
      </div>
      <p className="muted">Rebuilds a projection from the Kafka log into fresh tables and swaps them in when caught up. The live projection keeps answering meanwhile.</p>
      <div className="replay-form">
        <label className="select-field select-field--grow">
          <span>Projection</span>
          <select value={projection} onChange={(e) => { setProjection(e.target.value); setConfirming(false); }}>
            {projections.map((p) => <option key={p.name} value={p.name}>{p.name} — {p.what}</option>)}
          </select>
        </label>
        {confirming ? (
          <div className="confirm" role="group" aria-label="Confirm the replay">
            <span className="small">Rebuild <strong>{projection}</strong>?</span>
            <button type="button" className="button button--primary button--small" onClick={() => start.mutate(projection)} disabled={start.isPending} autoFocus>
              {start.isPending ? 'Starting…' : 'Start replay'}
            </button>
            <button type="button" className="button button--ghost button--small" onClick={() => setConfirming(false)}>Cancel</button>
          </div>
        ) : (
          <button type="button" className="button button--secondary" onClick={() => setConfirming(true)}>Replay…</button>
        )}
      </div>
      {start.error && (
        <p className="field-error" role="alert">
          {start.error instanceof ApiError && start.error.status === 409 ? 'A replay of this projection is already running.' : (start.error as Error).message}
        </p>
      )}
      <div aria-live="polite">
        {list.isPending ? <Skeleton height={64} radius={10} /> : list.error && !list.data ? (
          <ErrorState compact title="Could not load replays" error={list.error} onRetry={() => void list.refetch()} />
        ) : (
          <>
            {active.map((r) => <Progress key={r.replayId} r={r} />)}
            {recent.length > 0 && <h3 className="subheading">Recent</h3>}
            {recent.map((r) => <Progress key={r.replayId} r={r} />)}
            {!active.length && !recent.length && <p className="muted small">No replays yet.</p>}
          </>
        )}
      </div>
    </section>
  );
}
