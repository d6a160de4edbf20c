// The notifier: alert transitions → email and webhooks, as digests, each sent once.
//
// 1. Queue: the `notification_queue` projection (projections/notificationQueue.ts) turns
//    alerts.events into one row per transition and channel, exactly once (offsets in Postgres).
// 2. Dispatch (this file): every second, a channel whose oldest pending row has waited the
//    digest window is claimed (`FOR UPDATE SKIP LOCKED`, so several notifiers never share a
//    row), given a digest id, and sent as ONE message. Rows are marked sent/failed right after.
// 3. Record: finished rows become NotificationSent/NotificationFailed on alerts.events with
//    deterministic event ids, then are marked recorded (a retry is deduped by the projection).
//
// A crash between sending and marking leaves rows 'sending'; they are sent again, as one
// digest with the SAME id, which is the webhook-id (receivers dedupe, per Standard Webhooks); an email
// in that window may arrive twice. The window is milliseconds; nothing else repeats a delivery.
import { randomUUID } from 'node:crypto';
import { createMailer, deliverWebhook, renderAdminDigest, renderOwnerEmail, webhookBody, type Links, type Mailer } from '../alerting/delivery/index.js';
import type { AlertTransition } from '../alerting/types.js';
import { inTransaction, type Db } from '../platform/db.js';
import type { EventCodec } from '../platform/events.js';
import type { EventProducer, KafkaClient, RunningConsumer } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';
import type { WebhookTargetStore } from '../platform/webhookTargets.js';
import { notificationQueueProjection, type QueuedChannel } from '../projections/notificationQueue.js';
import { storableText } from '../projections/storable.js';
import { runProjector } from './projector.js';

export interface NotifierDeps {
  db: Db;
  kafka: KafkaClient;
  codec: EventCodec;
  topics: Topics;
  log: Logger;
  webhookTargets: WebhookTargetStore;
  smtp: Parameters<typeof createMailer>[0];
  webhooks: { allowPrivate: string[]; timeoutMs: number; maxAttempts: number; retryBaseMs: number };
  digestSeconds: number;
  links: Links;
  now: () => number;
}

interface Claimed {
  channelKey: string;
  channel: QueuedChannel;
  digestId: string;
  rows: { transitionId: string; alertId: string; transition: AlertTransition }[];
}

type Outcome = { status: 'sent'; attempts: number } | { status: 'failed'; attempts: number; reason: string };

/** A digest left 'sending' with a row queued this long ago belongs to a notifier that died mid-send. */
const ORPHANED_AFTER_SECONDS = 60;
/**
 * Rows of an orphaned digest: the whole digest at once (judged by its oldest row), never some of
 * its rows — a receiver that saw the digest's id before would drop the rest as a duplicate.
 */
const ORPHANED = `(q.status = 'sending' AND EXISTS (
  SELECT 1 FROM notification_queue o
   WHERE o.channel_key = q.channel_key AND o.digest_id = q.digest_id AND o.queued_at < now() - make_interval(secs => $2)))`;

export async function runNotifier(deps: NotifierDeps): Promise<RunningConsumer> {
  const { db, log } = deps;
  const nlog = log.child({ component: 'notifier' });
  const queue = await runProjector(notificationQueueProjection, deps, { notify: false });
  const producer: EventProducer = await deps.kafka.producer();
  const mailer: Mailer = createMailer(deps.smtp);

  /** Channels with a full digest window behind them, or orphaned by a crash. */
  const dueChannels = async (): Promise<string[]> => {
    const { rows } = await db.query(
      `SELECT channel_key FROM notification_queue q
        WHERE q.status = 'pending' OR ${ORPHANED}
        GROUP BY channel_key
       HAVING min(queued_at) <= now() - make_interval(secs => $1)
        LIMIT 50`,
      [deps.digestSeconds, ORPHANED_AFTER_SECONDS],
    );
    return rows.map((r) => r.channel_key as string);
  };

  const claim = (channelKey: string): Promise<Claimed | null> =>
    inTransaction(db, async (tx) => {
      const { rows } = await tx.query(
        `SELECT transition_id, alert_id, channel, transition, status, digest_id FROM notification_queue q
          WHERE channel_key = $1 AND (q.status = 'pending' OR ${ORPHANED})
          ORDER BY queued_at, transition_id
          FOR UPDATE OF q SKIP LOCKED`,
        [channelKey, ORPHANED_AFTER_SECONDS],
      );
      if (!rows.length) return null;
      // An orphaned digest is re-sent under its first id and as exactly what it was, so
      // receivers recognise it: one orphan at a time (two crashes may have left two in this
      // channel), pending rows wait for the next round rather than join it.
      const orphanId = rows.find((r) => r.digest_id)?.digest_id as string | undefined;
      const digestId = orphanId ?? randomUUID();
      const mine = orphanId ? rows.filter((r) => r.digest_id === orphanId) : rows;
      await tx.query(
        `UPDATE notification_queue SET status = 'sending', digest_id = $2, attempts = attempts + 1
          WHERE channel_key = $1 AND transition_id = ANY($3::text[])`,
        [channelKey, digestId, mine.map((r) => r.transition_id)],
      );
      return {
        channelKey, digestId, channel: mine[0].channel as QueuedChannel,
        rows: mine.map((r) => ({ transitionId: r.transition_id, alertId: r.alert_id, transition: r.transition as AlertTransition })),
      };
    });

  const sendEmail = async (to: string[], rendered: { subject: string; text: string; html: string }): Promise<Outcome> => {
    try {
      await mailer.send({ to, ...rendered });
      return { status: 'sent', attempts: 1 };
    } catch (err) {
      return { status: 'failed', attempts: 1, reason: (err as { reason?: string }).reason ?? 'the mail server refused the message' };
    }
  };

  const deliver = async (c: Claimed): Promise<Outcome> => {
    const transitions = c.rows.map((r) => r.transition);
    if (c.channel.type === 'email') return sendEmail(c.channel.to, renderAdminDigest(transitions, deps.links));
    if (c.channel.type === 'owner') {
      const { rows } = await db.query('SELECT email FROM user_contacts WHERE user_id = $1', [c.channel.userId]);
      if (!rows[0]) return { status: 'failed', attempts: 0, reason: 'no email address known for this user' };
      let outcome: Outcome = { status: 'sent', attempts: 1 };
      for (const t of transitions) {
        const name = t.scope.type === 'integration' ? await integrationName(t.scope.integrationId) : undefined;
        // A reauth alert may come from the lifecycle (no check yet): its reason is the error code.
        const errorCode = t.type === 'AlertRaised' ? (t.facts.errorCode ?? t.facts.reason ?? null) : null;
        const one = await sendEmail([rows[0].email], renderOwnerEmail(t, { errorCode: errorCode === null ? null : String(errorCode), links: deps.links, ...(name ? { integrationName: name } : {}) }));
        if (one.status === 'failed') outcome = one;
      }
      return outcome;
    }
    const webhookId = c.channel.webhookId;
    const { rows } = await db.query('SELECT enabled, disabled_reason FROM alert_webhooks WHERE webhook_id = $1', [webhookId]);
    if (!rows[0]) return { status: 'failed', attempts: 0, reason: 'the webhook no longer exists' };
    if (!rows[0].enabled) return { status: 'failed', attempts: 0, reason: `the webhook is disabled${rows[0].disabled_reason ? `: ${rows[0].disabled_reason}` : ''}` };
    const target = await deps.webhookTargets.load(webhookId);
    if (!target) return { status: 'failed', attempts: 0, reason: 'the webhook has no stored target' };
    const result = await deliverWebhook(target, { id: c.digestId, body: webhookBody(transitions, deps.now()) }, deps.webhooks);
    if (result.outcome === 'sent') return { status: 'sent', attempts: result.attempts };
    if (result.disable) {
      await producer.send(deps.topics.config, [await deps.codec.encode({
        type: 'WebhookDisabled', eventId: randomUUID(), entityId: webhookId, actor: 'pulse', occurredAt: deps.now(), reason: result.reason,
      })]);
      nlog.warn({ webhookId }, 'webhook disabled: the receiver answered 410 Gone');
    }
    return { status: 'failed', attempts: result.attempts, reason: result.reason };
  };

  const integrationName = async (integrationId: string): Promise<string | undefined> => {
    const { rows } = await db.query('SELECT display_name FROM integrations WHERE integration_id = $1', [integrationId]);
    return rows[0]?.display_name as string | undefined;
  };

  const finish = async (c: Claimed, outcome: Outcome) => {
    await db.query(
      `UPDATE notification_queue SET status = $3, reason = $4, attempts = greatest(attempts, $5), finished_at = now()
        WHERE channel_key = $1 AND digest_id = $2 AND status = 'sending'`,
      // A reason may quote a receiver or a mail server: stored like any text from elsewhere (U+0000 → U+FFFD).
      [c.channelKey, c.digestId, outcome.status, outcome.status === 'failed' ? storableText(outcome.reason) : null, outcome.attempts],
    );
  };

  /** Finished deliveries → NotificationSent/Failed events (ids derived from the row: a retry is a duplicate the projection ignores). */
  const record = async () => {
    const { rows } = await db.query(
      `SELECT transition_id, channel_key, alert_id, channel, status, digest_id, attempts, reason FROM notification_queue
        WHERE NOT recorded AND finished_at IS NOT NULL ORDER BY finished_at LIMIT 500`,
    );
    if (!rows.length) return;
    const events = await Promise.all(rows.map((r) => {
      const channel = channelLabel(r.channel as QueuedChannel);
      const meta = { eventId: `${r.transition_id}|${r.channel_key}:${r.status}`, alertId: r.alert_id as string, occurredAt: deps.now() };
      const common = { transitionId: r.transition_id as string, channel, digestId: r.digest_id as string, attempts: r.attempts as number };
      return deps.codec.encode(r.status === 'sent'
        ? { ...meta, ...common, type: 'NotificationSent' }
        : { ...meta, ...common, type: 'NotificationFailed', reason: (r.reason as string | null) ?? 'unknown' });
    }));
    await producer.send(deps.topics.alerts, events);
    await db.query(
      `UPDATE notification_queue q SET recorded = true FROM unnest($1::text[], $2::text[]) AS t(tid, ck)
        WHERE q.transition_id = t.tid AND q.channel_key = t.ck`,
      [rows.map((r) => r.transition_id), rows.map((r) => r.channel_key)],
    );
  };

  let running = true;
  let busy: Promise<void> = Promise.resolve();
  const round = async () => {
    for (const key of await dueChannels()) {
      if (!running) return;
      const claimed = await claim(key);
      if (!claimed) continue;
      const outcome = await deliver(claimed).catch((err): Outcome => {
        nlog.error({ err: { message: (err as Error).message }, channel: claimed.channelKey.split(':')[0] }, 'notification delivery crashed');
        return { status: 'failed', attempts: 1, reason: 'internal error while sending' };
      });
      await finish(claimed, outcome);
      nlog.info({ channel: channelLabel(claimed.channel), digestId: claimed.digestId, transitions: claimed.rows.length, status: outcome.status }, 'notification digest delivered');
    }
    await record();
  };
  const timer = setInterval(() => {
    busy = busy.then(round).catch((err) => nlog.warn({ err: { message: (err as Error).message } }, 'notifier round failed; retrying'));
  }, 1_000);

  return {
    seek: queue.seek,
    async stop() {
      running = false;
      clearInterval(timer);
      await busy;
      await queue.stop();
      await producer.close();
      mailer.close();
    },
  };
}

/** How a channel is named in events and logs: never the addresses or the URL. */
export function channelLabel(c: QueuedChannel): string {
  if (c.type === 'email') return `email:${c.to.length}`;
  if (c.type === 'webhook') return `webhook:${c.webhookId}`;
  return `owner:${c.userId}`;
}
