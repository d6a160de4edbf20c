// /api/integrations: connect an integration (→ IntegrationConnected) and read its health.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { CheckRequested, EventCodec, LifecycleEvent } from '../../platform/events.js';
import type { EventProducer } from '../../platform/kafka.js';
import type { Topics } from '../../platform/topics.js';
import type { Db } from '../../platform/db.js';
import { providerChecks, supportedProviders } from '../../producers/checks/index.js';
import type { AuthedLocals } from '../auth.js';
import { HttpError, notFound, validate } from '../errors.js';
import { integrationHealth } from '../readModel.js';
import { autoGranularity, integrationHistory, listIntegrations, listSorts } from '../integrationQueries.js';
import { oauthLinks, oauthProvider } from '../oauth.js';
import type { ManualCheckLimiter } from '../manualCheckLimit.js';

export interface IntegrationRoutesDeps {
  manualCheckLimit: ManualCheckLimiter;
  docsBaseUrl: string;
  oauth: ReturnType<typeof oauthLinks>;
  db: Db;
  codec: EventCodec;
  producer: EventProducer;
  topics: Topics;
  defaultIntervalSeconds: number;
  minIntervalSeconds: number;
  now: () => number;
}

export const connectIntegrationBody = (minIntervalSeconds: number) => z.object({
  provider: z.enum(supportedProviders, { error: `must be one of: ${supportedProviders.join(', ')}` }),
  displayName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  config: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
  checkIntervalSeconds: z.number().int('must be a whole number').min(minIntervalSeconds, `must be at least ${minIntervalSeconds}`).max(86_400, 'must be at most 86400').optional(),
}).strict();

const uuid = z.uuid();

const csvList = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).pipe(z.array(z.enum(values, { error: `each must be one of: ${values.join(', ')}` })));

const listQuery = z.object({
  status: csvList(['green', 'yellow', 'red', 'unknown']).optional(),
  provider: csvList(supportedProviders).optional(),
  sort: z.enum(Object.keys(listSorts) as [keyof typeof listSorts], { error: `must be one of: ${Object.keys(listSorts).join(', ')}` }).default('name'),
  order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).default('asc'),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(200, 'must be at most 200').default(50),
  offset: z.coerce.number().int('must be a whole number').min(0, 'must not be negative').default(0),
}).strict();

const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).transform((s) => Date.parse(s));
const historyQuery = z.object({
  from: isoTime.optional(),
  to: isoTime.optional(),
  before: isoTime.optional(),
  granularity: z.enum(['raw', 'hourly', 'monthly'], { error: 'must be raw, hourly or monthly' }).optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(200),
}).strict();

const updateBody = (minIntervalSeconds: number) => z.object({
  displayName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters').optional(),
  checkIntervalSeconds: z.number().int('must be a whole number').min(minIntervalSeconds, `must be at least ${minIntervalSeconds}`).max(86_400, 'must be at most 86400').optional(),
  config: z.record(z.string(), z.unknown(), { error: 'must be an object' }).optional(),
}).strict().refine((b) => Object.keys(b).length > 0, 'nothing to change: give displayName, checkIntervalSeconds or config');

export function integrationRoutes(deps: IntegrationRoutesDeps): Router {
  const router = Router();
  const bodySchema = connectIntegrationBody(deps.minIntervalSeconds);

  router.post('/', async (req, res) => {
    const body = validate(bodySchema, req.body ?? {});
    const provider = providerChecks[body.provider];
    if (!provider) throw new HttpError(400, 'validation_failed', 'invalid body: provider', { provider: 'unsupported provider' });
    const config = validate(provider.configSchema, body.config, 'config') as Record<string, unknown>;
    const userId = (res.locals as AuthedLocals).userId;
    const checkIntervalSeconds = body.checkIntervalSeconds ?? deps.defaultIntervalSeconds;
    if (oauthProvider(body.provider)) {
      // Connected once the user has granted access: the OAuth callback records IntegrationConnected.
      const integrationId = randomUUID();
      const authorizeUrl = deps.oauth.authorizeUrl({ userId, integrationId, provider: body.provider, mode: 'connect', displayName: body.displayName, checkIntervalSeconds, config });
      res.status(202).json({ id: integrationId, authorizeUrl });
      return;
    }
    const event: LifecycleEvent = {
      type: 'IntegrationConnected',
      eventId: randomUUID(),
      integrationId: randomUUID(),
      userId,
      occurredAt: deps.now(),
      provider: body.provider,
      displayName: body.displayName,
      checkIntervalSeconds,
      config,
    };
    await deps.producer.send(deps.topics.lifecycle, [await deps.codec.encode(event)]);
    res.status(202).location(`/api/integrations/${event.integrationId}/health`).json({ id: event.integrationId });
  });

  router.get('/', async (req, res) => {
    const q = validate(listQuery, req.query, 'query');
    const { items, total } = await listIntegrations(deps.db, (res.locals as AuthedLocals).userId, q, deps.docsBaseUrl);
    res.json({
      items: items.map(({ reauthReason, ...view }) => ({ ...view, reauthRequired: reauthReason !== null && view.status === 'red' })),
      total, limit: q.limit, offset: q.offset,
    });
  });

  /** The caller's own active integration, or 404 (also for someone else's). */
  const owned = async (id: string | undefined, userId: string) => {
    if (!id || !uuid.safeParse(id).success) throw notFound();
    const health = await integrationHealth(deps.db, userId, id, deps.docsBaseUrl);
    if (!health) throw notFound();
    return health;
  };

  router.patch('/:id', async (req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    const body = validate(updateBody(deps.minIntervalSeconds), req.body ?? {});
    const current = await owned(req.params.id, userId);
    const provider = providerChecks[current.provider];
    const config = body.config === undefined ? null : validate(provider?.configSchema ?? z.never(), body.config, 'config') as Record<string, unknown>;
    const event: LifecycleEvent = {
      type: 'IntegrationUpdated', eventId: randomUUID(), integrationId: current.integrationId, userId, occurredAt: deps.now(),
      displayName: body.displayName ?? null, checkIntervalSeconds: body.checkIntervalSeconds ?? null, config,
    };
    await deps.producer.send(deps.topics.lifecycle, [await deps.codec.encode(event)]);
    res.status(202).location(`/api/integrations/${current.integrationId}/health`).json({ id: current.integrationId });
  });

  router.delete('/:id', async (req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    const current = await owned(req.params.id, userId);
    const event: LifecycleEvent = { type: 'IntegrationDisconnected', eventId: randomUUID(), integrationId: current.integrationId, userId, occurredAt: deps.now(), reason: 'deleted by user' };
    await deps.producer.send(deps.topics.lifecycle, [await deps.codec.encode(event)]);
    // Tokens of a disconnected integration have no reason to exist.
    await deps.db.query('DELETE FROM integration_credentials WHERE integration_id = $1', [current.integrationId]);
    res.status(202).json({ id: current.integrationId });
  });

  router.get('/:id/health/history', async (req, res) => {
    const q = validate(historyQuery, req.query, 'query');
    const current = await owned(req.params.id, (res.locals as AuthedLocals).userId);
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 86_400_000;
    if (from >= to) throw new HttpError(400, 'validation_failed', 'invalid query: from', { from: 'must be before to' });
    const granularity = q.granularity ?? autoGranularity(from, to);
    const page = await integrationHistory(deps.db, current.integrationId, { from, to, before: q.before }, granularity, q.limit);
    res.json({ integrationId: current.integrationId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...page });
  });

  router.get('/:id/health', async (req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    const health = await owned(req.params.id, userId);
    const id = health.integrationId;
    const { reauthReason, ...view } = health;
    // A fresh one-click link on every read (the signed state inside lasts 10 minutes).
    // Offered while the integration is red for a reason only a reconnect fixes; a later
    // green check (say, a scope granted again at the provider) makes it moot.
    const reauthRequired = reauthReason !== null && view.status === 'red';
    const reconnectUrl = reauthRequired ? deps.oauth.authorizeUrl({ userId, integrationId: id, provider: health.provider, mode: 'reconnect' }) : null;
    res.json({ ...view, reauthRequired, reconnectUrl });
  });

  router.post('/:id/health/check', async (req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    // Ownership first: someone else's id is a 404 and costs nothing, not even rate-limit points.
    const id = (await owned(req.params.id, userId)).integrationId;
    const waitSeconds = await deps.manualCheckLimit(userId, id);
    if (waitSeconds !== null) {
      res.setHeader('Retry-After', String(waitSeconds));
      throw new HttpError(429, 'rate_limited', `checked very recently; try again in ${waitSeconds} s`);
    }
    const requestId = randomUUID();
    const command: CheckRequested = { type: 'CheckRequested', requestId, integrationId: id, userId, requestedAt: deps.now() };
    await deps.producer.send(deps.topics.commands, [await deps.codec.encode(command)]);
    res.status(202).location(`/api/integrations/${id}/health`).json({ requestId });
  });

  return router;
}
