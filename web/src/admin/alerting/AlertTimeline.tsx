// What happened to an alert, in order: raised, escalated, acknowledged, resolved. Under each
// transition, where it was delivered (and how it went), or where it is still waiting to go.
import type { AlertEvent, Webhook } from '../../api/alertTypes';
import { CheckCircle, XOctagon } from '../../ui/Icons';
import { Timestamp } from '../../ui/Timestamp';
import { Bell, CheckMark } from './icons';
import { acknowledgerText, channelText, resolutionText } from './labels';

const lifecycle = new Set(['AlertRaised', 'AlertEscalated', 'AlertAcknowledged', 'AlertResolved']);
const transitionOf: Record<string, string> = { AlertRaised: 'raised', AlertEscalated: 'escalated', AlertResolved: 'resolved' };
const titles: Record<string, string> = { AlertRaised: 'Raised', AlertEscalated: 'Escalated', AlertAcknowledged: 'Acknowledged', AlertResolved: 'Resolved' };

interface WireChannel { type: string; to?: string[]; webhookId?: string | null }
interface Facts { channels?: WireChannel[]; notifyOwner?: boolean; summary?: string; scope?: { userId?: string | null } }

/** The channel names deliveries use (consumers/notifier.ts channelLabel), for "still waiting". */
function expectedChannels(detail: Record<string, unknown>): string[] {
  const alert = (detail.alert ?? {}) as Facts;
  const out = (alert.channels ?? []).map((c) => (c.type === 'email' ? `email:${c.to?.length ?? 0}` : `webhook:${c.webhookId}`));
  if (alert.notifyOwner && alert.scope?.userId) out.push(`owner:${alert.scope.userId}`);
  return out;
}

function Deliveries({ event, deliveries, webhooks }: { event: AlertEvent; deliveries: AlertEvent[]; webhooks: Webhook[] | undefined }) {
  const mine = deliveries.filter((d) => String(d.detail.transitionId ?? '').endsWith(`:${transitionOf[event.type]}`));
  const done = new Set(mine.map((d) => String(d.detail.channel)));
  const waiting = expectedChannels(event.detail).filter((c) => !done.has(c));
  if (!mine.length && !waiting.length) return <p className="muted small">No channels: nobody was notified.</p>;
  return (
    <ul className="deliveries" aria-label={`Deliveries of “${titles[event.type]}”`}>
      {mine.map((d, i) => {
        const sent = d.type === 'NotificationSent';
        const attempts = Number(d.detail.attempts ?? 1);
        return (
          <li key={i} className={`delivery delivery--${sent ? 'sent' : 'failed'}`}>
            {sent ? <CheckCircle size={14} /> : <XOctagon size={14} />}
            <span>{channelText(String(d.detail.channel), webhooks)}</span>
            <span className="muted">
              {sent ? 'delivered' : `failed: ${String(d.detail.reason ?? 'unknown')}`} · {attempts} {attempts === 1 ? 'attempt' : 'attempts'} · <Timestamp iso={d.occurredAt} clock />
            </span>
          </li>
        );
      })}
      {waiting.map((c) => (
        <li key={c} className="delivery delivery--waiting">
          <Bell size={14} /><span>{channelText(c, webhooks)}</span><span className="muted">waiting for the digest window</span>
        </li>
      ))}
    </ul>
  );
}

export function AlertTimeline({ events, webhooks }: { events: AlertEvent[]; webhooks: Webhook[] | undefined }) {
  const steps = events.filter((e) => lifecycle.has(e.type));
  const deliveries = events.filter((e) => e.type === 'NotificationSent' || e.type === 'NotificationFailed');
  if (!steps.length) return <p className="muted">No events recorded yet.</p>;
  return (
    <ol className="timeline">
      {steps.map((e, i) => (
        <li key={i} className={`timeline__item timeline__item--${e.type.replace('Alert', '').toLowerCase()}`}>
          <span className="timeline__dot" aria-hidden="true">{e.type === 'AlertResolved' ? <CheckMark size={12} /> : e.type === 'AlertAcknowledged' ? <CheckMark size={12} /> : <Bell size={12} />}</span>
          <div className="timeline__body">
            <p className="timeline__title">
              <strong>{titles[e.type]}</strong>
              {e.type === 'AlertAcknowledged' && <> by {acknowledgerText(String(e.detail.by ?? 'someone'))}</>}
              {e.type === 'AlertResolved' && <>: {resolutionText(String(e.detail.reason ?? ''))}</>}
              <span className="muted small timeline__time"><Timestamp iso={e.occurredAt} clock /></span>
            </p>
            {e.type === 'AlertAcknowledged' && typeof e.detail.note === 'string' && e.detail.note && <blockquote className="timeline__note">{e.detail.note}</blockquote>}
            {e.type === 'AlertEscalated' && <p className="muted small">Nobody acknowledged it in time: sent to the escalation channels.</p>}
            {transitionOf[e.type] && <Deliveries event={e} deliveries={deliveries} webhooks={webhooks} />}
          </div>
        </li>
      ))}
    </ol>
  );
}
