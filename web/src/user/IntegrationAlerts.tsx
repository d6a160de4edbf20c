// The alerts Pulse raised about this integration, as its owner sees them: what is open, who
// has taken it on, and "Acknowledge" to say they are on it (which stops the escalation to the
// support team). Resolved ones are folded away.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Alert } from '../api/alertTypes';
import { ApiError } from '../api/http';
import type { HealthStatus } from '../api/types';
import { currentToken } from '../auth/userToken';
import { ErrorState, errorText } from '../ui/ErrorState';
import { CheckCircle, WarningTriangle, XOctagon } from '../ui/Icons';
import { Skeleton } from '../ui/Skeleton';
import { Timestamp } from '../ui/Timestamp';
import { toast } from '../ui/toasts';
import { acknowledgeMine, integrationAlertsKey, useIntegrationAlerts } from './useIntegrationAlerts';

const EARLIER = 5;

function Severity({ a }: { a: Alert }) {
  const Icon = a.status === 'resolved' ? CheckCircle : a.severity === 'critical' ? XOctagon : WarningTriangle;
  const tone = a.status === 'resolved' ? 'resolved' : a.severity;
  return <span className={`user-alert__icon user-alert__icon--${tone}`}><Icon size={18} /></span>;
}

function Item({ a, integrationId }: { a: Alert; integrationId: string }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const me = currentToken()?.userId;
  async function ack() {
    setBusy(true);
    try {
      await acknowledgeMine(qc, integrationId, a.alertId);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        toast({ tone: 'info', title: 'Already resolved', body: 'This alert ended before you acknowledged it.' });
        void qc.invalidateQueries({ queryKey: integrationAlertsKey(integrationId) });
      } else toast({ tone: 'error', title: 'Could not acknowledge the alert', body: errorText(err) });
    } finally {
      setBusy(false);
    }
  }
  const by = a.acknowledgedBy === `user:${me}` ? 'you' : 'the support team';
  return (
    <li className={`user-alert user-alert--${a.status}`} data-alert-id={a.alertId}>
      <Severity a={a} />
      <div className="user-alert__body">
        <p className="user-alert__title">
          <strong>{a.ruleName}</strong>
          <span className="muted small">
            {a.status === 'open' ? <>{a.severity === 'critical' ? 'Critical' : 'Warning'} · open since <Timestamp iso={a.openedAt} /></>
              : <>Resolved <Timestamp iso={a.resolvedAt} /></>}
          </span>
        </p>
        {/* Summaries are written for admins ("… of user 42"); the owner knows whose it is. */}
        <p className="small">{a.summary.replace(` of user ${me}`, '')}</p>
        {a.acknowledgedAt && <p className="small user-alert__ack"><CheckCircle size={14} /> Acknowledged by {by} <Timestamp iso={a.acknowledgedAt} /></p>}
      </div>
      {a.status === 'open' && !a.acknowledgedAt && (
        <button type="button" className="button button--secondary button--small" onClick={ack} disabled={busy}
          aria-label={`Acknowledge “${a.ruleName}”`}>
          {busy ? 'Acknowledging…' : 'Acknowledge'}
        </button>
      )}
    </li>
  );
}

export function IntegrationAlerts({ id, status }: { id: string; status: HealthStatus | undefined }) {
  const q = useIntegrationAlerts(id, status);
  const alerts = q.data?.alerts ?? [];
  const open = alerts.filter((a) => a.status === 'open');
  const earlier = alerts.filter((a) => a.status === 'resolved').slice(0, EARLIER);
  return (
    <section className="card section user-alerts" aria-labelledby="alerts-heading">
      <div className="section__head">
        <h2 id="alerts-heading">Alerts</h2>
        {q.data && <span className="muted small">{open.length ? `${open.length} open` : 'Nothing open'}</span>}
      </div>
      {q.isPending ? (
        <div aria-busy="true"><span className="visually-hidden" role="status">Loading alerts</span><Skeleton height={22} width="60%" /></div>
      ) : q.error && !q.data ? (
        <ErrorState compact title="Could not load the alerts" error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          {open.length === 0 ? (
            <p className="muted user-alerts__none">No open alerts about this integration.</p>
          ) : (
            <>
              {open.some((a) => !a.acknowledgedAt) && <p className="muted small user-alerts__hint">Acknowledge an alert to tell the support team you are on it: they will not be paged about it.</p>}
              <ul className="user-alert-list">{open.map((a) => <Item key={a.alertId} a={a} integrationId={id} />)}</ul>
            </>
          )}
          {earlier.length > 0 && (
            <details className="user-alerts__earlier">
              <summary>Earlier alerts ({earlier.length})</summary>
              <ul className="user-alert-list">{earlier.map((a) => <Item key={a.alertId} a={a} integrationId={id} />)}</ul>
            </details>
          )}
        </>
      )}
    </section>
  );
}
