// /api/integrations: connect an integration (→ IntegrationConnected) and read its health.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { EventCodec } from '../../platform/events.js';
import type { CheckRequested, LifecycleEvent } from '../../health/events.js';
import type { EventProducer } from '../../platform/kafka.js';
import type { Topics } from '../../platform/topics.js';
import type { Db } from '../../platform/db.js';
import { providerChecks, supportedProviders } from '../../producers/checks/index.js';
import type { ProviderCheck } from '../../producers/checks/provider.js';
import { judgeTarget, type Egress } from '../../platform/egress/index.js';
import type { AuthedLocals } from '../auth.js';
import { HttpError, notFound, validate } from '../errors.js';
import { integrationHealth } from '../readModel.js';
import { autoGranularity, integrationHistory, listIntegrations, listSorts } from '../integrationQueries.js';
import { oauthLinks, oauthProvider } from '../oauth.js';
import type { ManualCheckLimiter } from '../manualCheckLimit.js';
import { inSlot, type IntegrationQuota } from '../integrationQuota.js';
import { documented } from '../openapi/registry.js';
import { accepted, checkRequested, connectAccepted, healthResponse, historyPage, integrationPage } from './integrationViews.js';

export interface IntegrationRoutesDeps {
  manualCheckLimit: ManualCheckLimiter;
  /** Integrations per user (MAX_INTEGRATIONS_PER_USER), shared by every API instance. */
  integrationQuota: IntegrationQuota;
  docsBaseUrl: string;
  oauth: ReturnType<typeof oauthLinks>;
  db: Db;
  codec: EventCodec;
  producer: EventProducer;
  topics: Topics;
  defaultIntervalSeconds: number;
  minIntervalSeconds: number;
  now: () => number;
  /** The egress policy (EGRESS_ALLOW) and resolver that judge a check's target when it is saved. */
  egress: Pick<Egress, 'policy' | 'resolver'>;
}

/** Same words whatever the range, so a refusal tells nothing about the address beyond "not public". */
const targetRefused = 'not allowed: Pulse checks public addresses only, unless the operator opens this one with EGRESS_ALLOW';

const providerConfig = z.record(z.string(), z.unknown(), { error: 'must be an object' })
  .meta({ description: "the provider's settings, validated by its own schema (http: `{url, method?, expectStatus?…}`); never credentials" });

export const connectIntegrationBody = (minIntervalSeconds: number) => z.object({
  provider: z.enum(supportedProviders, { error: `must be one of: ${supportedProviders.join(', ')}` }),
  displayName: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  config: providerConfig,
  checkIntervalSeconds: z.number().int('must be a whole number').min(minIntervalSeconds, `must be at least ${minIntervalSeconds}`).max(86_400, 'must be at most 86400').optional(),
}).strict();

const uuid = z.uuid();
const idParams = z.object({ id: z.uuid().meta({ description: 'an integration of yours (anyone else\'s answers 404, like an unknown one)' }) });

// The client sends one string; the document says so (io: 'input') and lists the values.
const csvList = <T extends string>(values: readonly [T, ...T[]]) =>
  z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).pipe(z.array(z.enum(values, { error: `each must be one of: ${values.join(', ')}` })))
    .meta({ description: `comma-separated, any of: ${values.join(', ')}` });

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
  config: providerConfig.optional(),
}).strict().refine((b) => Object.keys(b).length > 0, 'nothing to change: give displayName, checkIntervalSeconds or config');

export function integrationRoutes(deps: IntegrationRoutesDeps): Router {
  const api = documented(Router(), { tag: 'Integrations', auth: 'user' });
  const connectBody = connectIntegrationBody(deps.minIntervalSeconds);
  const patchBody = updateBody(deps.minIntervalSeconds);

  /** 400 on config.url when the check would connect where the egress policy forbids (judged again at every check). */
  const refuseDisallowedTarget = async (provider: ProviderCheck<any>, config: Record<string, unknown>) => {
    const url = provider.target?.(config);
    if (url !== undefined && (await judgeTarget(url, deps.egress)) !== null) {
      throw new HttpError(400, 'validation_failed', 'invalid body: config.url', { 'config.url': targetRefused });
    }
  };

  api.post('/', {
    summary: 'Connect an integration',
    description: 'Validates the body and the provider\'s config, then records IntegrationConnected; the first check runs at once. '
      + 'OAuth providers (gmail, calendar, slack) answer with an `authorizeUrl` instead: the integration exists once the user has granted access. '
      + 'The `url` of an http or mcp integration must be a public address unless the deployment opens it (EGRESS_ALLOW): an IP literal in any spelling '
      + '(decimal, octal, hex, IPv4-mapped, NAT64, 6to4…) or a name resolving to loopback, private, link-local or metadata addresses answers 400 on `config.url`. '
      + 'Checks judge the address again at every connection, so a name that later resolves to such an address fails with `target_not_allowed`.',
    body: connectBody,
    responses: {
      202: { description: 'accepted; `Location` is its health', body: connectAccepted, headers: { Location: '/api/integrations/{id}/health (non-OAuth providers)' } },
      409: '`quota_exceeded`: the user already has MAX_INTEGRATIONS_PER_USER integrations (200 by default); disconnect one first',
    },
  }, async (req, res) => {
    const body = validate(connectBody, req.body ?? {});
    const provider = providerChecks[body.provider];
    if (!provider) throw new HttpError(400, 'validation_failed', 'invalid body: provider', { provider: 'unsupported provider' });
    const config = validate(provider.configSchema, body.config, 'config') as Record<string, unknown>;
    await refuseDisallowedTarget(provider, config);
    const userId = (res.locals as AuthedLocals).userId;
    const checkIntervalSeconds = body.checkIntervalSeconds ?? deps.defaultIntervalSeconds;
    if (oauthProvider(body.provider)) {
      // Connected once the user has granted access: the OAuth callback records IntegrationConnected
      // (and claims the slot). Refused here already when no slot is left.
      await deps.integrationQuota.ensureRoom(userId);
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
    // A slot per integration, claimed before the event exists (integrationQuota.ts).
    await inSlot(deps.integrationQuota, userId, event.integrationId, async () => deps.producer.send(deps.topics.lifecycle, [await deps.codec.encode(event)]));
    res.status(202).location(`/api/integrations/${event.integrationId}/health`).json({ id: event.integrationId });
  });

  api.get('/', {
    summary: 'List my integrations',
    description: 'Filtered by status and provider, sorted, paginated. Unknown query parameters are refused.',
    query: listQuery,
    responses: { 200: { description: 'a page of integrations with their current health', body: integrationPage } },
  }, async (req, res) => {
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

  api.patch('/:id', {
    summary: 'Rename, re-time or reconfigure an integration',
    description: 'At least one of displayName, checkIntervalSeconds, config. A new config is validated by the provider\'s schema, '
      + 'and its `url` (http, mcp) by the egress policy like at connect (400 on `config.url`).',
    params: idParams,
    body: patchBody,
    responses: { 202: { description: 'accepted; visible once projected', body: accepted } },
  }, async (req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    const body = validate(patchBody, req.body ?? {});
    const current = await owned(req.params.id, userId);
    const provider = providerChecks[current.provider];
    const config = body.config === undefined ? null : validate(provider?.configSchema ?? z.never(), body.config, 'config') as Record<string, unknown>;
    if (provider && config) await refuseDisallowedTarget(provider, config);
    const event: LifecycleEvent = {
      type: 'IntegrationUpdated', eventId: randomUUID(), integrationId: current.integrationId, userId, occurredAt: deps.now(),
      displayName: body.displayName ?? null, checkIntervalSeconds: body.checkIntervalSeconds ?? null, config,
    };
    await deps.producer.send(deps.topics.lifecycle, [await deps.codec.encode(event)]);
    res.status(202).location(`/api/integrations/${current.integrationId}/health`).json({ id: current.integrationId });
  });

  api.delete('/:id', {
    summary: 'Disconnect an integration',
    description: 'Stops its checks and deletes its stored tokens.',
    params: idParams,
    responses: { 202: { description: 'accepted', body: accepted } },
  }, async (req, res) => {
    const userId = (res.locals as AuthedLocals).userId;
    const current = await owned(req.params.id, userId);
    const event: LifecycleEvent = { type: 'IntegrationDisconnected', eventId: randomUUID(), integrationId: current.integrationId, userId, occurredAt: deps.now(), reason: 'deleted by user' };
    await deps.producer.send(deps.topics.lifecycle, [await deps.codec.encode(event)]);
    // Tokens of a disconnected integration have no reason to exist.
    await deps.db.query('DELETE FROM integration_credentials WHERE integration_id = $1', [current.integrationId]);
    await deps.integrationQuota.release(current.integrationId);
    res.status(202).json({ id: current.integrationId });
  });

  api.get('/:id/health/history', {
    summary: 'Check history of an integration',
    description: 'Raw checks for ranges up to 2 days, hourly rollups up to 90, monthly beyond (or as `granularity` says); newest first, '
      + 'paginated with `before` = the previous page\'s `nextBefore`. Default range: the last 24 hours.',
    params: idParams,
    query: historyQuery,
    responses: { 200: { description: 'a page of history', body: historyPage } },
  }, async (req, res) => {
    const q = validate(historyQuery, req.query, 'query');
    const current = await owned(req.params.id, (res.locals as AuthedLocals).userId);
    const to = q.to ?? deps.now();
    const from = q.from ?? to - 86_400_000;
    if (from >= to) throw new HttpError(400, 'validation_failed', 'invalid query: from', { from: 'must be before to' });
    const granularity = q.granularity ?? autoGranularity(from, to);
    const page = await integrationHistory(deps.db, current.integrationId, { from, to, before: q.before }, granularity, q.limit);
    res.json({ integrationId: current.integrationId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...page });
  });

  api.get('/:id/health', {
    summary: 'Current health of an integration',
    description: 'What the last checks say, in plain words: status, the error with what to do about it, and a one-click reconnect link when only reconnecting helps.',
    params: idParams,
    responses: { 200: { description: 'current health', body: healthResponse } },
  }, async (req, res) => {
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

  api.post('/:id/health/check', {
    summary: 'Check now',
    description: 'Runs one check at once (the result arrives like any other: health, history, WebSocket). '
      + 'Limited per user and integration (by default 1 per 30 s and 20 per hour, shared by every API instance).',
    params: idParams,
    responses: {
      202: { description: 'requested; `Location` is its health', body: checkRequested, headers: { Location: '/api/integrations/{id}/health' } },
      429: { description: '`rate_limited`: checked very recently (or too many requests from this user this minute)', headers: { 'Retry-After': 'seconds to wait' } },
    },
  }, async (req, res) => {
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

  return api.router;
}
