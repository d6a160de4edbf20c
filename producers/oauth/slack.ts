// Slack OAuth v2 (bot token; token rotation with refresh tokens where the app enables it).
import type { EgressFetch } from '../../platform/egress/index.js';
import { GrantRefused, jsonBody, type OAuthIssuer, type TokenGrant } from './issuer.js';

export interface SlackOAuthSettings {
  authorizeUrl: string;
  apiBase: string;
  clientId: string;
  clientSecret: string;
  now: () => number;
  /** Through the egress policy, with the configured Slack API opened (providerEgress). */
  fetch: EgressFetch;
}

export function slackIssuer(s: SlackOAuthSettings): OAuthIssuer {
  const access = async (form: Record<string, string>, previousRefresh: string | null, signal?: AbortSignal): Promise<TokenGrant> => {
    const res = await s.fetch(`${s.apiBase}/oauth.v2.access`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, client_id: s.clientId, client_secret: s.clientSecret }),
      signal,
    });
    const body = await jsonBody(res, 'Slack oauth.v2.access');
    if (body.ok !== true) {
      const error = String(body.error ?? `http_${res.status}`);
      if (/grant|refresh_token|code|revoked/.test(error)) throw new GrantRefused(error);
      throw new Error(`Slack oauth.v2.access: ${error}`);
    }
    if (typeof body.access_token !== 'string') throw new Error('Slack oauth.v2.access: no access token');
    const team = body.team as { id?: string } | undefined;
    return {
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : previousRefresh,
      scopes: typeof body.scope === 'string' ? body.scope.split(',').filter(Boolean) : [],
      expiresAt: typeof body.expires_in === 'number' ? s.now() + body.expires_in * 1000 : null,
      accountHint: team?.id ?? null,
    };
  };
  return {
    authorizeUrl({ state, redirectUri, scopes, loginHint }) {
      const u = new URL(s.authorizeUrl);
      u.search = new URLSearchParams({
        client_id: s.clientId, redirect_uri: redirectUri, scope: scopes.join(','), state, ...(loginHint ? { team: loginHint } : {}),
      }).toString();
      return u.toString();
    },
    exchangeCode: (code, redirectUri, signal) => access({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, null, signal),
    refresh: (refreshToken, signal) => access({ grant_type: 'refresh_token', refresh_token: refreshToken }, refreshToken, signal),
  };
}
