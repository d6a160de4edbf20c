// /admin/alerting/alerts/:id: one alert — what is wrong, where, its state, the figures behind
// it, everything that happened to it and where it was delivered; acknowledge it from here.
import { useEffect } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../../api/http';
import type { AlertDetail, AlertRule } from '../../api/alertTypes';
import { query } from '../adminApi';
import { duration, exactTime } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { ErrorState } from '../../ui/ErrorState';
import { ChevronRight } from '../../ui/Icons';
import { Skeleton } from '../../ui/Skeleton';
import { Timestamp } from '../../ui/Timestamp';
import { AcknowledgeForm } from './AcknowledgeForm';
import { AlertScope } from './AlertScope';
import { AlertTimeline } from './AlertTimeline';
import { useAlert, useRuleKinds, useRules, useWebhooks } from './alertingApi';
import { BellOff } from './icons';
import { acknowledgerText, factLabel, factValue, resolutionText } from './labels';
import { kindLabel } from './ruleKinds';
import { AlertStatePill, SeverityBadge } from './SeverityBadge';

function muteHref(a: AlertDetail) {
  return `/alerting/suppressions${query({ ruleId: a.ruleId, integrationId: a.scope.integrationId, provider: a.scope.type === 'provider' ? a.scope.provider : undefined })}`;
}

/** When an open alert nobody has taken on will escalate, if its rule escalates at all. */
function Escalation({ a, rule }: { a: AlertDetail; rule: AlertRule | undefined }) {
  if (a.escalatedAt) return <Timestamp iso={a.escalatedAt} />;
  if (a.status === 'open' && !a.acknowledgedAt && rule?.escalateAfterSeconds) {
    return <span className="text-yellow">Due <Timestamp iso={new Date(Date.parse(a.openedAt) + rule.escalateAfterSeconds * 1000).toISOString()} future /></span>;
  }
  return <span className="muted">No</span>;
}

function Head({ a, rule }: { a: AlertDetail; rule: AlertRule | undefined }) {
  useNow();
  const kinds = useRuleKinds().data;
  const noteOf = a.events.find((e) => e.type === 'AlertAcknowledged')?.detail.note;
  return (
    <section className={`card detail-head alert-head alert-head--${a.status}`} aria-labelledby="alert-title" data-status={a.status}>
      <div className="detail-head__top">
        <SeverityBadge severity={a.severity} size="md" />
        <div className="detail-head__title">
          <h1 id="alert-title">{a.ruleName}</h1>
          <p className="muted">{kindLabel(kinds, a.ruleKind)}</p>
        </div>
        <AlertStatePill alert={a} />
      </div>
      <p className="alert-head__summary">{a.summary}</p>
      {a.flapping && <p className="notice alert-head__flapping">Flapping: this changed state often lately, so it resolves only after a stable period.</p>}
      <dl className="facts facts--wide">
        <div><dt>About</dt><dd><AlertScope scope={a.scope} summary={a.summary} /></dd></div>
        <div><dt>Opened</dt><dd><Timestamp iso={a.openedAt} /></dd></div>
        {a.resolvedAt
          ? <div><dt>Resolved</dt><dd><Timestamp iso={a.resolvedAt} /><span className="fact-sub">{resolutionText(a.resolution)}</span></dd></div>
          : <div><dt>Open for</dt><dd className="tabular">{duration((Date.now() - Date.parse(a.openedAt)) / 1000)}</dd></div>}
        <div><dt>Escalated</dt><dd><Escalation a={a} rule={rule} /></dd></div>
        <div className="alert-head__ack">
          <dt>Acknowledged</dt>
          <dd data-testid="acknowledged-by">
            {a.acknowledgedBy ? <><span className="fact-who">by {acknowledgerText(a.acknowledgedBy)}</span><span className="fact-sub"><Timestamp iso={a.acknowledgedAt} /></span></> : <span className="text-yellow">Not yet</span>}
          </dd>
        </div>
      </dl>
      {typeof noteOf === 'string' && noteOf && <blockquote className="timeline__note">{noteOf}</blockquote>}
      {a.status === 'open' && !a.acknowledgedAt && <AcknowledgeForm alertId={a.alertId} escalates={!a.escalatedAt && !!rule?.escalateAfterSeconds} />}
      <div className="detail-head__actions">
        <Link href={muteHref(a)} className="button button--secondary button--small"><BellOff size={16} /> Mute…</Link>
        {rule && <Link href={`/alerting/rules/${encodeURIComponent(a.ruleId)}`} className="button button--ghost button--small">Edit the rule</Link>}
      </div>
    </section>
  );
}

function HeadSkeleton() {
  return (
    <div className="card detail-head" aria-busy="true">
      <span className="visually-hidden" role="status">Loading the alert</span>
      <div className="detail-head__top">
        <Skeleton width={80} height={28} radius={999} />
        <div className="detail-head__title"><Skeleton width="45%" height={28} /><Skeleton width="20%" height={14} style={{ marginTop: 8 }} /></div>
        <Skeleton width={90} height={28} radius={999} />
      </div>
      <Skeleton height={20} style={{ marginTop: 16 }} />
      <div className="facts facts--wide">
        {Array.from({ length: 5 }, (_, i) => <div key={i}><Skeleton width="60%" height={12} /><Skeleton width="70%" height={16} style={{ marginTop: 6 }} /></div>)}
      </div>
    </div>
  );
}

export function AlertDetailPage({ id }: { id: string }) {
  const q = useAlert(id);
  const rules = useRules();
  const webhooks = useWebhooks();
  const a = q.data;
  useEffect(() => {
    document.title = `${a?.ruleName ?? 'Alert'} · Pulse admin`;
  }, [a?.ruleName]);

  const notFound = q.error instanceof ApiError && q.error.status === 404;
  const facts = a ? Object.entries(a.facts) : [];
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb breadcrumb--trail">
        <Link href="/alerting">Alerts</Link>
        <ChevronRight size={14} />
        <span aria-current="page">{a?.ruleName ?? 'Alert'}</span>
      </nav>
      {notFound ? (
        <div className="empty-state card">
          <h1>Alert not found</h1>
          <p>No alert has this id.</p>
          <Link href="/alerting" className="button button--primary">Back to alerts</Link>
        </div>
      ) : q.error && !a ? (
        <ErrorState title="Could not load this alert" error={q.error} onRetry={() => void q.refetch()} />
      ) : !a ? (
        <HeadSkeleton />
      ) : (
        <>
          <Head a={a} rule={rules.data?.rules.find((r) => r.id === a.ruleId)} />
          <div className="alert-detail-grid">
            <section className="card section" aria-labelledby="timeline-heading">
              <h2 id="timeline-heading" className="section__title">Timeline and deliveries</h2>
              <AlertTimeline events={a.events} webhooks={webhooks.data?.webhooks} />
            </section>
            <section className="card section" aria-labelledby="facts-heading">
              <h2 id="facts-heading" className="section__title">What Pulse saw</h2>
              {facts.length ? (
                <dl className="fact-list">
                  {facts.map(([k, v]) => <div key={k}><dt>{factLabel(k)}</dt><dd className="tabular">{factValue(k, v)}</dd></div>)}
                </dl>
              ) : <p className="muted small">No figures recorded for this alert.</p>}
              <p className="muted small fact-list__foot">Alert <span className="mono">{a.alertId}</span> · opened {exactTime(a.openedAt)}</p>
            </section>
          </div>
        </>
      )}
    </>
  );
}
