// What the dead-letter queues hold per source topic, and re-driving them once the cause is fixed.
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { DeadLetterCount } from '../api/types';
import { count } from '../lib/format';
import { ErrorState } from '../ui/ErrorState';
import { Skeleton } from '../ui/Skeleton';
import { toast } from '../ui/toasts';
import { adminGet, adminWrite } from './adminApi';

export function DeadLetters() {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const q = useQuery({
    queryKey: ['admin', 'dead-letters'],
    queryFn: ({ signal }) => adminGet<{ topics: DeadLetterCount[] }>('/api/admin/dead-letters', signal),
    refetchInterval: 30_000,
  });
  const redrive = useMutation({
    mutationFn: (topic: string) => adminWrite<{ redriven: number }>('POST', `/api/admin/dead-letters/${encodeURIComponent(topic)}/redrive`),
    onSuccess: (r, topic) => toast({ tone: 'success', title: `Re-drove ${count(r.redriven)} ${r.redriven === 1 ? 'record' : 'records'} of ${topic}` }),
    onError: (err, topic) => toast({ tone: 'error', title: `Could not re-drive ${topic}`, body: (err as Error).message }),
    onSettled: () => {
      setConfirming(null);
      void qc.invalidateQueries({ queryKey: ['admin', 'dead-letters'] });
    },
  });

  return (
    <section className="card section" aria-labelledby="dlq-heading">
      <div className="section__head"><h2 id="dlq-heading">Dead letters</h2></div>
      <p className="muted">Records a projector could not decode or apply. Fix the cause, then re-drive them to their source topic.</p>
      {q.isPending ? <Skeleton height={90} radius={10} /> : q.error && !q.data ? (
        <ErrorState compact title="Could not read the dead-letter queues" error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="table-scroll" role="region" aria-label="Dead-letter queues" tabIndex={0}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Source topic</th>
                <th scope="col" className="num">Waiting</th>
                <th scope="col" className="num">Held</th>
                <th scope="col"><span className="visually-hidden">Action</span></th>
              </tr>
            </thead>
            <tbody>
              {q.data!.topics.map((t) => (
                <tr key={t.topic}>
                  <th scope="row"><span>{t.topic}</span> <span className="muted small mono">{t.dlqTopic}</span></th>
                  <td className={`num tabular${t.pending ? ' text-red' : ''}`}>{count(t.pending)}</td>
                  <td className="num tabular">{count(t.total)}</td>
                  <td className="actions-cell">
                    {t.pending === 0 ? <span className="muted small">Nothing to re-drive</span> : confirming === t.topic ? (
                      <span className="confirm">
                        <button type="button" className="button button--primary button--small" disabled={redrive.isPending} onClick={() => redrive.mutate(t.topic)} autoFocus>
                          {redrive.isPending ? 'Re-driving…' : `Re-drive ${count(t.pending)}`}
                        </button>
                        <button type="button" className="button button--ghost button--small" onClick={() => setConfirming(null)}>Cancel</button>
                      </span>
                    ) : (
                      <button type="button" className="button button--secondary button--small" onClick={() => setConfirming(t.topic)}>Re-drive…</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
