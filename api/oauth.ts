// OAuth connect and reconnect. The browser goes to the provider's consent page with a signed
// `state` (who, which integration, connect or reconnect; 10 minutes), comes back to
// /api/oauth/callback, and Pulse exchanges the code, stores the tokens encrypted and records
// IntegrationConnected or ReauthCompleted. No token is ever sent to the browser.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { CredentialStore } from '../platform/credentialStore.js';
import type { EventCodec, LifecycleEvent } from '../platform/events.js';
import type { EventProducer } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';
import { providerChecks } from '../producers/checks/index.js';
import type { ProviderCheck } from '../producers/checks/provider.js';
import type { IssuerName } from '../producers/oauth/index.js';
import { GrantRefused, type OAuthIssuer } from '../producers/oauth/issuer.js';
import { HttpError, validate } from './errors.js';

export interface OAuthDeps {
  jwtSecret: string;
  publicApiUrl: string;
  webAppUrl: string;
  issuers: Record<IssuerName, OAuthIssuer>;
  credentials: CredentialStore;
  codec: EventCodec;
  producer: EventProducer;
  topics: Topics;
  log: Logger;
  now: () => number;
}

const stateClaims = z.object({
  sub: z.string(),
  integrationId: z.uuid(),
  provider: z.string(),
  mode: z.enum(['connect', 'reconnect']),
  displayName: z.string().optional(),
  checkIntervalSeconds: z.number().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
type State = z.infer<typeof stateClaims>;

export const oauthProvider = (provider: string): (ProviderCheck & { oauth: NonNullable<ProviderCheck['oauth']> }) | undefined => {
  const p = providerChecks[provider];
  return p?.oauth ? (p as ProviderCheck & { oauth: NonNullable<ProviderCheck['oauth']> }) : undefined;
};

export function oauthLinks(deps: Pick<OAuthDeps, 'jwtSecret' | 'publicApiUrl' | 'issuers'>) {
  const redirectUri = `${deps.publicApiUrl}/api/oauth/callback`;
  return {
    redirectUri,
    /** Where to send the browser to (re)connect; null for providers without OAuth. */
    authorizeUrl(state: Omit<State, 'sub'> & { userId: string }, loginHint: string | null = null): string | null {
      const provider = oauthProvider(state.provider);
      if (!provider) return null;
      const { userId, ...claims } = state;
      const signed = jwt.sign(claims, deps.jwtSecret, { algorithm: 'HS256', subject: userId, audience: 'pulse-oauth', issuer: 'pulse', expiresIn: 600 });
      return deps.issuers[provider.oauth.issuer].authorizeUrl({ state: signed, redirectUri, scopes: provider.oauth.requiredScopes, loginHint });
    },
  };
}

const callbackQuery = z.object({
  state: z.string().min(1, 'is required'),
  code: z.string().optional(),
  error: z.string().max(100).optional(),
});

export function oauthRoutes(deps: OAuthDeps): Router {
  const router = Router();
  const { redirectUri } = oauthLinks(deps);
  const back = (integrationId: string, outcome: string) => `${deps.webAppUrl}/integrations/${integrationId}?${outcome}`;

  router.get('/callback', async (req, res) => {
    const q = validate(callbackQuery, req.query, 'query');
    let state: State;
    try {
      state = stateClaims.parse(jwt.verify(q.state, deps.jwtSecret, { algorithms: ['HS256'], audience: 'pulse-oauth', issuer: 'pulse' }));
    } catch {
      throw new HttpError(400, 'invalid_state', 'this sign-in link is invalid or has expired; start again from Pulse');
    }
    const provider = oauthProvider(state.provider);
    if (!provider) throw new HttpError(400, 'invalid_state', 'unknown provider');
    if (q.error || !q.code) {
      res.redirect(302, back(state.integrationId, `oauthError=${encodeURIComponent(q.error ?? 'no_code')}`));
      return;
    }
    let grant;
    try {
      grant = await deps.issuers[provider.oauth.issuer].exchangeCode(q.code, redirectUri, AbortSignal.timeout(10_000));
    } catch (err) {
      deps.log.warn({ integrationId: state.integrationId, provider: state.provider, reason: err instanceof GrantRefused ? err.reason : 'exchange_failed' }, 'OAuth code exchange failed');
      res.redirect(302, back(state.integrationId, 'oauthError=exchange_failed'));
      return;
    }
    await deps.credentials.save(state.integrationId, state.provider, { ...grant, appToken: null });
    const meta = { eventId: randomUUID(), integrationId: state.integrationId, userId: state.sub, occurredAt: deps.now() };
    const event: LifecycleEvent = state.mode === 'connect'
      ? {
        ...meta, type: 'IntegrationConnected', provider: state.provider, displayName: state.displayName ?? state.provider,
        checkIntervalSeconds: state.checkIntervalSeconds ?? 300, config: state.config ?? {},
      }
      : { ...meta, type: 'ReauthCompleted', scopes: grant.scopes };
    await deps.producer.send(deps.topics.lifecycle, [await deps.codec.encode(event)]);
    deps.log.info({ integrationId: state.integrationId, provider: state.provider, mode: state.mode }, 'OAuth completed');
    res.redirect(302, back(state.integrationId, state.mode === 'connect' ? 'connected=1' : 'reconnected=1'));
  });

  return router;
}
