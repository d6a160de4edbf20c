// OAuth connect and reconnect. The browser goes to the provider's consent page with a signed
// `state` (who, which integration, connect or reconnect; 10 minutes), comes back to
// /api/oauth/callback, and Pulse exchanges the code, stores the tokens encrypted and records
// IntegrationConnected or ReauthCompleted. No token is ever sent to the browser.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import type { CredentialStore } from '../platform/credentialStore.js';
import type { EventCodec } from '../platform/events.js';
import type { LifecycleEvent } from '../health/events.js';
import type { EventProducer } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';
import { providerChecks } from '../producers/checks/index.js';
import type { ProviderCheck } from '../producers/checks/provider.js';
import type { IssuerName } from '../producers/oauth/index.js';
import { GrantRefused, type OAuthIssuer } from '../producers/oauth/issuer.js';
import { HttpError, validate } from './errors.js';
import type { IntegrationQuota } from './integrationQuota.js';
import { documented } from './openapi/registry.js';

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
  /** A connect takes one of the user's integration slots (integrationQuota.ts). */
  integrationQuota: IntegrationQuota;
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
  state: z.string().min(1, 'is required').meta({ description: 'the signed state Pulse put in the consent link (10 minutes)' }),
  code: z.string().optional().meta({ description: "the provider's authorization code" }),
  error: z.string().max(100).optional().meta({ description: 'the provider refused or the user declined' }),
});

export function oauthRoutes(deps: OAuthDeps): Router {
  const api = documented(Router(), { tag: 'OAuth', auth: 'none' });
  const { redirectUri } = oauthLinks(deps);
  const back = (integrationId: string, outcome: string) => `${deps.webAppUrl}/integrations/${integrationId}?${outcome}`;

  // Open: the provider sends the browser here; the signed state authenticates it.
  api.get('/callback', {
    summary: 'OAuth redirect target (connect and reconnect)',
    description: 'Exchanges the code, stores the tokens encrypted, records the connection, and sends the browser back to the web app. Never returns a token.',
    query: callbackQuery,
    responses: {
      302: { description: 'back to the web app: `?connected=1`, `?reconnected=1` or `?oauthError=<reason>`', headers: { Location: '<WEB_APP_URL>/integrations/{id}?…' } },
      400: '`invalid_state`: the link is invalid or expired (or `validation_failed`)',
    },
  }, async (req, res) => {
    const q = validate(callbackQuery, req.query, 'query');
    let state: State;
    try {
      state = stateClaims.parse(jwt.verify(q.state, deps.jwtSecret, { algorithms: ['HS256'], audience: 'pulse-oauth', issuer: 'pulse' }));
    } catch {
      throw new HttpError(400, 'invalid_state', 'this sign-in link is invalid or has expired; start again from Pulse', { state: 'is invalid or has expired' });
    }
    const provider = oauthProvider(state.provider);
    if (!provider) throw new HttpError(400, 'invalid_state', 'unknown provider', { state: 'names a provider without OAuth' });
    if (q.error || !q.code) {
      res.redirect(302, back(state.integrationId, `oauthError=${encodeURIComponent(q.error ?? 'no_code')}`));
      return;
    }
    // A new integration takes its slot before anything is stored (integrationQuota.ts).
    let claimed = false;
    if (state.mode === 'connect') {
      try {
        claimed = await deps.integrationQuota.claim(state.sub, state.integrationId);
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 409)) throw err;
        res.redirect(302, back(state.integrationId, 'oauthError=quota_exceeded'));
        return;
      }
    }
    const giveBack = () => (claimed ? deps.integrationQuota.release(state.integrationId).catch(() => undefined) : undefined);
    let grant;
    try {
      grant = await deps.issuers[provider.oauth.issuer].exchangeCode(q.code, redirectUri, AbortSignal.timeout(10_000));
    } catch (err) {
      await giveBack();
      deps.log.warn({ integrationId: state.integrationId, provider: state.provider, reason: err instanceof GrantRefused ? err.reason : 'exchange_failed' }, 'OAuth code exchange failed');
      res.redirect(302, back(state.integrationId, 'oauthError=exchange_failed'));
      return;
    }
    await deps.credentials.save(state.integrationId, state.provider, { ...grant, appToken: null }).catch(async (err) => {
      await giveBack();
      throw err;
    });
    const meta = { eventId: randomUUID(), integrationId: state.integrationId, userId: state.sub, occurredAt: deps.now() };
    const event: LifecycleEvent = state.mode === 'connect'
      ? {
        ...meta, type: 'IntegrationConnected', provider: state.provider, displayName: state.displayName ?? state.provider,
        checkIntervalSeconds: state.checkIntervalSeconds ?? 300, config: state.config ?? {},
      }
      : { ...meta, type: 'ReauthCompleted', scopes: grant.scopes };
    try {
      await deps.producer.send(deps.topics.lifecycle, [await deps.codec.encode(event)]);
    } catch (err) {
      await giveBack();
      throw err;
    }
    deps.log.info({ integrationId: state.integrationId, provider: state.provider, mode: state.mode }, 'OAuth completed');
    res.redirect(302, back(state.integrationId, state.mode === 'connect' ? 'connected=1' : 'reconnected=1'));
  });

  return api.router;
}
