// Google OAuth 2.0 (authorization code with offline access; refresh grant).
import type { EgressFetch } from '../../platform/egress/index.js';
import { GrantRefused, jsonBody, type OAuthIssuer, type TokenGrant } from './issuer.js';

export interface GoogleOAuthSettings {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  now: () => number;
  /** Through the egress policy, with the configured token endpoint opened (providerEgress). */
  fetch: EgressFetch;
}

export function googleIssuer(s: GoogleOAuthSettings): OAuthIssuer {
  const grant = async (form: Record<string, string>, previousRefresh: string | null, signal?: AbortSignal): Promise<TokenGrant> => {
    const res = await s.fetch(s.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, client_id: s.clientId, client_secret: s.clientSecret }),
      signal,
    });
    const body = await jsonBody(res, 'Google token endpoint');
    if (res.status === 400 || res.status === 401) throw new GrantRefused(String(body.error ?? `http_${res.status}`));
    if (!res.ok || typeof body.access_token !== 'string') throw new Error(`Google token endpoint: HTTP ${res.status}`);
    return {
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : previousRefresh,
      scopes: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [],
      expiresAt: typeof body.expires_in === 'number' ? s.now() + body.expires_in * 1000 : null,
      accountHint: null,
    };
  };
  return {
    authorizeUrl({ state, redirectUri, scopes, loginHint }) {
      const u = new URL(s.authorizeUrl);
      u.search = new URLSearchParams({
        client_id: s.clientId, redirect_uri: redirectUri, response_type: 'code', scope: scopes.join(' '),
        access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true', state,
        ...(loginHint ? { login_hint: loginHint } : {}),
      }).toString();
      return u.toString();
    },
    exchangeCode: (code, redirectUri, signal) => grant({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }, null, signal),
    refresh: (refreshToken, signal) => grant({ grant_type: 'refresh_token', refresh_token: refreshToken }, refreshToken, signal),
  };
}
