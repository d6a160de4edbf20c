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

  router.get('/:id/health', async (req, res) => {
    const id = req.params.id;
    if (!uuid.safeParse(id).success) throw notFound();
    const userId = (res.locals as AuthedLocals).userId;
    const health = await integrationHealth(deps.db, userId, id, deps.docsBaseUrl);
    if (!health) throw notFound();
    const { reauthReason, ...view } = health;
    // A fresh one-click link on every read (the signed state inside lasts 10 minutes).
    // Offered while the integration is red for a reason only a reconnect fixes; a later
    // green check (say, a scope granted again at the provider) makes it moot.
    const reauthRequired = reauthReason !== null && view.status === 'red';
    const reconnectUrl = reauthRequired ? deps.oauth.authorizeUrl({ userId, integrationId: id, provider: health.provider, mode: 'reconnect' }) : null;
    res.json({ ...view, reauthRequired, reconnectUrl });
  });

  router.post('/:id/health/check', async (req, res) => {
    const id = req.params.id;
    if (!uuid.safeParse(id).success) throw notFound();
    const userId = (res.locals as AuthedLocals).userId;
    // Ownership first: someone else's id is a 404 and costs nothing, not even rate-limit points.
    if (!(await integrationHealth(deps.db, userId, id, deps.docsBaseUrl))) throw notFound();
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
