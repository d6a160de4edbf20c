// /api/admin/webhooks (where alerts are POSTed) and /api/admin/notifications/test.
// A webhook's URL and signing secret are sealed in webhook_targets; config.events and every
// response carry only the URL's origin. The secret is shown once, when the webhook is created.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { checkWebhookUrl, createMailer, deliverWebhook, newWebhookSecret, renderAdminDigest, webhookBody, type Links } from '../../alerting/delivery/index.js';
import type { AlertTransition } from '../../alerting/types.js';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db.js';
import type { EventCodec } from '../../platform/events.js';
import type { ConfigEvent } from '../../health/events.js';
import type { EventProducer } from '../../platform/kafka.js';
import type { Topics } from '../../platform/topics.js';
import type { WebhookTargetStore } from '../../platform/webhookTargets.js';
import { audit } from '../audit.js';
import { HttpError, notFound, validate } from '../errors.js';
import { documented } from '../openapi/registry.js';

export interface WebhookRoutesDeps {
  db: Db;
  codec: EventCodec;
  producer: EventProducer;
  topics: Topics;
  webhookTargets: WebhookTargetStore;
  alerting: Config['alerting'];
  notificationLinks: Links;
  now: () => number;
}

const idParams = z.object({ id: z.uuid({ error: 'must be a webhook id' }) });
const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const url = z.string().max(2000, 'must be at most 2000 characters');
const createBody = z.object({ name, url }).strict();
const updateBody = z.object({ name: name.optional(), url: url.optional(), enabled: z.boolean().optional() }).strict()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change: give name, url or enabled');
const testBody = z.object({
  channel: z.discriminatedUnion('type', [
    z.object({ type: z.literal('email'), to: z.array(z.email({ error: 'must be an email address' })).min(1, 'must name at least one recipient').max(20) }).strict(),
    z.object({ type: z.literal('webhook'), webhookId: z.uuid({ error: 'must be a webhook id' }) }).strict(),
  ], { error: 'must be {type: "email", to: [...]} or {type: "webhook", webhookId}' }),
}).strict();

const webhookView = z.object({
  id: z.string(), name: z.string(), urlOrigin: z.string().meta({ description: 'scheme://host[:port]; the full URL is never shown again' }),
  enabled: z.boolean(), disabledReason: z.string().nullable(), updatedAt: z.iso.datetime(),
});

const origin = (u: URL) => `${u.protocol}//${u.host}`;

/** A made-up alert for "send test notification": clearly labelled, scoped to nothing real. */
function testTransition(now: number): AlertTransition {
  const alertId = randomUUID();
  return {
    type: 'AlertRaised', alertId, transitionId: `${alertId}:raised`, ruleId: 'test', ruleName: 'Test notification', ruleKind: 'integration_red',
    severity: 'warning', scope: { type: 'provider', provider: 'http' }, occurredAt: now, openedAt: now,
    summary: 'This is a test notification from Pulse. Nothing is wrong.', facts: { test: 'true' }, flapping: false, channels: [], notifyOwner: false,
  };
}

export function webhookRoutes(deps: WebhookRoutesDeps): Router {
  const api = documented(Router(), { tag: 'Admin: alerting', auth: 'admin' });
  const actorOf = (locals: Record<string, unknown>) => String(locals.adminEmail ?? 'unknown');
  const publish = async (event: ConfigEvent) => deps.producer.send(deps.topics.config, [await deps.codec.encode(event)]);
  const checkedUrl = (raw: string) => {
    const checked = checkWebhookUrl(raw, deps.alerting.webhooks.allowPrivate);
    if (!checked.ok) throw new HttpError(400, 'validation_failed', 'invalid body: url', { url: checked.reason });
    return checked.url;
  };
  const existing = async (id: string) => {
    const { rows } = await deps.db.query('SELECT * FROM alert_webhooks WHERE webhook_id = $1', [id]);
    if (!rows[0]) throw notFound('webhook');
    return rows[0];
  };

  api.get('/webhooks', {
    summary: 'Webhooks',
    responses: { 200: { description: 'every webhook (origins only, never URLs or secrets)', body: z.object({ webhooks: z.array(webhookView) }) } },
  }, async (_req, res) => {
    const { rows } = await deps.db.query('SELECT * FROM alert_webhooks ORDER BY name, webhook_id');
    res.json({ webhooks: rows.map((r) => ({ id: r.webhook_id, name: r.name, urlOrigin: r.url_origin, enabled: r.enabled, disabledReason: r.disabled_reason, updatedAt: r.updated_at.toISOString() })) });
  });

  api.post('/webhooks', {
    summary: 'Create a webhook',
    description: 'Returns the signing secret ONCE (Standard Webhooks, `whsec_…`). Private, loopback and link-local targets are refused unless the egress policy opens them (EGRESS_ALLOW); names are judged again at every connection. Audited as `webhook.create`.',
    body: createBody,
    responses: { 201: { description: 'created; keep the secret, it is not shown again', body: z.object({ id: z.string(), name: z.string(), urlOrigin: z.string(), secret: z.string() }) } },
  }, async (req, res) => {
    const body = validate(createBody, req.body ?? {});
    const u = checkedUrl(body.url);
    const id = randomUUID();
    const secret = newWebhookSecret();
    await deps.webhookTargets.save(id, { url: u.toString(), secret });
    await publish({ type: 'WebhookSaved', eventId: randomUUID(), entityId: id, actor: actorOf(res.locals), occurredAt: deps.now(), name: body.name, urlOrigin: origin(u), enabled: true });
    await audit(req, 'webhook.create', id, 'success');
    res.status(201).location(`/api/admin/webhooks/${id}`).json({ id, name: body.name, urlOrigin: origin(u), secret });
  });

  api.patch('/webhooks/:id', {
    summary: 'Rename, re-target, enable or disable a webhook', description: 'The secret stays the same. Audited as `webhook.update`.',
    params: idParams, body: updateBody,
    responses: { 202: { description: 'accepted', body: webhookView.pick({ id: true, name: true, urlOrigin: true, enabled: true }) } },
  }, async (req, res) => {
    const { id } = validate(idParams, req.params, 'path');
    const body = validate(updateBody, req.body ?? {});
    const row = await existing(id);
    let urlOrigin = row.url_origin as string;
    if (body.url !== undefined) {
      const u = checkedUrl(body.url);
      const target = await deps.webhookTargets.load(id);
      await deps.webhookTargets.save(id, { url: u.toString(), secret: target?.secret ?? newWebhookSecret() });
      urlOrigin = origin(u);
    }
    const view = { id, name: body.name ?? (row.name as string), urlOrigin, enabled: body.enabled ?? (row.enabled as boolean) };
    await publish({ type: 'WebhookSaved', eventId: randomUUID(), entityId: id, actor: actorOf(res.locals), occurredAt: deps.now(), name: view.name, urlOrigin, enabled: view.enabled });
    await audit(req, 'webhook.update', id, 'success');
    res.status(202).json(view);
  });

  api.delete('/webhooks/:id', {
    summary: 'Delete a webhook', description: 'Its sealed URL and secret are erased at once. Audited as `webhook.delete`.', params: idParams,
    responses: { 202: { description: 'accepted', body: z.object({ id: z.string() }) } },
  }, async (req, res) => {
    const { id } = validate(idParams, req.params, 'path');
    await existing(id);
    await deps.webhookTargets.remove(id);
    await publish({ type: 'WebhookDeleted', eventId: randomUUID(), entityId: id, actor: actorOf(res.locals), occurredAt: deps.now() });
    await audit(req, 'webhook.delete', id, 'success');
    res.status(202).json({ id });
  });

  api.post('/notifications/test', {
    summary: 'Send a test notification',
    description: 'Sends a clearly labelled test alert to an email list or a webhook now and reports the outcome (never the receiver\'s response). Audited as `notification.test`.',
    body: testBody,
    responses: {
      200: { description: 'what happened', body: z.object({ outcome: z.enum(['sent', 'failed']), attempts: z.number().int(), reason: z.string().nullable() }) },
      404: '`not_found`: no such webhook',
    },
  }, async (req, res) => {
    const { channel } = validate(testBody, req.body ?? {});
    const t = testTransition(deps.now());
    let result: { outcome: 'sent' | 'failed'; attempts: number; reason: string | null };
    if (channel.type === 'email') {
      const mailer = createMailer(deps.alerting.smtp);
      try {
        await mailer.send({ to: channel.to, ...renderAdminDigest([t], deps.notificationLinks) });
        result = { outcome: 'sent', attempts: 1, reason: null };
      } catch (err) {
        result = { outcome: 'failed', attempts: 1, reason: (err as { reason?: string }).reason ?? 'the mail server refused the message' };
      } finally {
        mailer.close();
      }
    } else {
      await existing(channel.webhookId);
      const target = await deps.webhookTargets.load(channel.webhookId);
      if (!target) throw notFound('webhook');
      const r = await deliverWebhook(target, { id: t.transitionId, body: webhookBody([t], deps.now()) }, { ...deps.alerting.webhooks, maxAttempts: 1 });
      result = r.outcome === 'sent' ? { outcome: 'sent', attempts: r.attempts, reason: null } : { outcome: 'failed', attempts: r.attempts, reason: r.reason };
    }
    await audit(req, 'notification.test', channel.type === 'email' ? `email:${channel.to.length}` : `webhook:${channel.webhookId}`, result.outcome === 'sent' ? 'success' : 'failure');
    res.json(result);
  });

  return api.router;
}
