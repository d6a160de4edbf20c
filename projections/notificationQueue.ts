// `notification_queue`: what the notifier owes, one row per alert transition and channel,
// projected from alerts.events with the projector's offsets (so nothing is queued twice or
// lost). consumers/notifier.ts sends due rows as digests and records the outcome here.
// Not replayable: a replay would queue old notifications again (see roles.ts).
import type { Tx } from '../platform/db.js';
import type { AlertEvent, PulseEvent } from '../health/events.js';
import type { ChannelRef as WireChannel } from '../schemas/types.generated.js';
import { transitionFromEvent } from '../alerting/eventMapping.js';
import type { Projection } from './projection.js';
import { storable } from './storable.js';

type Transition = Extract<AlertEvent, { type: 'AlertRaised' | 'AlertEscalated' | 'AlertResolved' }>;

/** Where a queued notification goes: a rule's channel, or the integration's owner by mail. */
export type QueuedChannel = { type: 'email'; to: string[] } | { type: 'webhook'; webhookId: string } | { type: 'owner'; userId: string };

/** Notifications for the same key go out together as one digest. */
export function channelKey(c: QueuedChannel): string {
  if (c.type === 'email') return `email:${[...c.to].map((x) => x.toLowerCase()).sort().join(',')}`;
  if (c.type === 'webhook') return `webhook:${c.webhookId}`;
  return `owner:${c.userId}`;
}

function channelsOf(e: Transition): QueuedChannel[] {
  const out: QueuedChannel[] = e.alert.channels.map((c: WireChannel) => (c.type === 'email' ? { type: 'email', to: c.to } : { type: 'webhook', webhookId: c.webhookId ?? '' }));
  // Owners hear when their integration breaks and when it recovers, not about escalations.
  if (e.type !== 'AlertEscalated' && e.alert.notifyOwner && e.alert.scope.type === 'integration' && e.alert.scope.userId) {
    out.push({ type: 'owner', userId: e.alert.scope.userId });
  }
  return out.filter((c) => (c.type === 'email' ? c.to.length > 0 : c.type === 'webhook' ? c.webhookId !== '' : true));
}

const isTransition = (e: PulseEvent): e is Transition => e.type === 'AlertRaised' || e.type === 'AlertEscalated' || e.type === 'AlertResolved';

export const notificationQueueProjection: Projection<Transition> = {
  name: 'notification_queue',
  tables: ['notification_queue'],
  topic: (t) => t.alerts,
  handles: isTransition,
  async apply(tx: Tx, events: Transition[]) {
    events = storable(events); // what the event says, storable: U+0000 → U+FFFD
    const rows = events.flatMap((e) => channelsOf(e).map((c) => ({ e, c })));
    if (!rows.length) return [];
    await tx.query(
      `INSERT INTO notification_queue (transition_id, channel_key, alert_id, channel, transition)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[])
       ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.e.eventId), rows.map((r) => channelKey(r.c)), rows.map((r) => r.e.alertId),
        rows.map((r) => JSON.stringify(r.c)), rows.map((r) => JSON.stringify(transitionFromEvent(r.e)))],
    );
    return [];
  },
};
