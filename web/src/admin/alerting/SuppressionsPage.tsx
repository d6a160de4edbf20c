// /admin/alerting/suppressions: what is muted now and what is planned (ended ones drop off),
// muting something, and ending a suppression early.
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { AlertRule, Suppression } from '../../api/alertTypes';
import { providerName } from '../../lib/format';
import { exactTime } from '../../lib/time';
import { ErrorState, errorText } from '../../ui/ErrorState';
import { Skeleton } from '../../ui/Skeleton';
import { Timestamp } from '../../ui/Timestamp';
import { toast } from '../../ui/toasts';
import { endSuppression, useRules, useSuppressions } from './alertingApi';
import { ConfirmAction } from './ConfirmAction';
import { NewSuppression } from './NewSuppression';

function Targets({ s, rules }: { s: Suppression; rules: AlertRule[] | undefined }) {
  const rule = s.ruleId ? rules?.find((r) => r.id === s.ruleId) : undefined;
  return (
    <span className="targets">
      {s.ruleId && <span className="target">Rule <Link href={`/alerting/rules/${encodeURIComponent(s.ruleId)}`}>{rule?.name ?? s.ruleId}</Link></span>}
      {s.provider && <span className="target">{providerName(s.provider)}</span>}
      {s.integrationId && <span className="target">Integration <Link href={`/integrations/${s.integrationId}`} className="mono">{s.integrationId.slice(0, 8)}…</Link></span>}
    </span>
  );
}

function Item({ s, rules }: { s: Suppression; rules: AlertRule[] | undefined }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  async function end() {
    setBusy(true);
    try {
      await endSuppression(qc, s.id);
      toast({ tone: 'success', title: s.active ? 'Suppression ended' : 'Maintenance window cancelled', body: s.active ? 'Whatever is still wrong is raised at the next check.' : undefined });
    } catch (err) {
      setBusy(false);
      toast({ tone: 'error', title: 'Could not end the suppression', body: errorText(err) });
    }
  }
  return (
    <li className={`suppression suppression--${s.active ? 'active' : 'planned'}`} data-suppression-id={s.id}>
      <div className="suppression__main">
        <Targets s={s} rules={rules} />
        <p className="suppression__when">
          {s.active ? <>Muted until <strong>{exactTime(s.endsAt)}</strong> (<Timestamp iso={s.endsAt} future />)</>
            : <>From <strong>{exactTime(s.startsAt!)}</strong> to <strong>{exactTime(s.endsAt)}</strong></>}
        </p>
        <p className="small"><span className="suppression__reason">{s.reason}</span> <span className="muted">· by {s.updatedBy}</span></p>
      </div>
      <ConfirmAction label={s.active ? 'End now' : 'Cancel window'} confirmLabel={s.active ? 'End it now' : 'Cancel it'} busyLabel="Ending…" onConfirm={end} busy={busy} />
    </li>
  );
}

export function SuppressionsPage() {
  const q = useSuppressions();
  const rules = useRules().data?.rules;
  useEffect(() => {
    document.title = 'Suppressions · Pulse admin';
  }, []);
  const active = q.data?.suppressions.filter((s) => s.active) ?? [];
  const planned = q.data?.suppressions.filter((s) => !s.active) ?? [];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Suppressions &amp; maintenance</h1>
          <p className="page-head__lede muted">Keep quiet about what you already know: a rule, a provider or an integration, now or during a planned window.</p>
        </div>
      </div>
      <NewSuppression />
      <section className="card section" aria-labelledby="suppressions-heading" aria-busy={!q.data}>
        <h2 id="suppressions-heading" className="section__title">Muted now</h2>
        {q.error && !q.data ? (
          <ErrorState title="Could not load the suppressions" error={q.error} onRetry={() => void q.refetch()} />
        ) : !q.data ? (
          <Skeleton height={64} radius={10} />
        ) : active.length === 0 ? (
          <p className="muted small">Nothing is muted. Every rule raises what it sees.</p>
        ) : (
          <ul className="suppression-list" aria-label="Active suppressions">{active.map((s) => <Item key={s.id} s={s} rules={rules} />)}</ul>
        )}
        <h2 className="section__title suppressions__planned">Planned</h2>
        {!q.data ? <Skeleton height={64} radius={10} /> : planned.length === 0 ? (
          <p className="muted small">No maintenance windows planned.</p>
        ) : (
          <ul className="suppression-list" aria-label="Planned maintenance windows">{planned.map((s) => <Item key={s.id} s={s} rules={rules} />)}</ul>
        )}
      </section>
    </>
  );
}
