// Google OAuth: the consent screen (auto-approved), the token endpoint (code exchange and
// refresh) and tokeninfo.
import type { ServerResponse } from 'node:http';
import express, { type Request } from 'express';
import { AccountExistsError, effectiveScopes, isGoogle, OneTimeCodes, type AccountState } from './accounts.js';
import { basicClient, param, sendJson, type SimContext } from './context.js';
import { applyTransportFaults } from './faults.js';
import { googleFaults } from './google.js';
import type { SimProvider } from './types.js';

interface PendingCode { account: string; redirectUri: string; clientId: string }

const oauthError = (res: ServerResponse, status: number, error: string, description: string) => sendJson(res, status, { error, error_description: description });
const invalidGrant = (res: ServerResponse, description = 'Token has been expired or revoked.') => oauthError(res, 400, 'invalid_grant', description);

function providerFor(scopes: string[]): SimProvider | undefined {
  if (scopes.some((s) => s.includes('/auth/gmail') || s === 'https://mail.google.com/')) return 'gmail';
  if (scopes.some((s) => s.includes('/auth/calendar'))) return 'google_calendar';
  return undefined;
}

function tokenResponse(state: AccountState, refreshToken?: string) {
  return {
    access_token: state.sim.accessToken,
    expires_in: Math.max(0, Math.round(((state.sim.expiresAt ?? Date.now()) - Date.now()) / 1000)),
    scope: effectiveScopes(state).join(' '),
    token_type: 'Bearer',
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
  };
}

export function googleOAuthRouter(ctx: SimContext): express.Router {
  const r = express.Router();
  const codes = new OneTimeCodes<PendingCode>('4/sim-', 10 * 60_000);
  const body = [express.urlencoded({ extended: false }), express.json()];

  // Consent: approved at once. login_hint=<account> reconnects that account.
  r.get('/o/oauth2/v2/auth', (req, res) => {
    const clientId = param(req, 'client_id');
    const redirectUri = param(req, 'redirect_uri');
    const state = param(req, 'state');
    const scopes = (param(req, 'scope') ?? '').split(/\s+/).filter(Boolean);
    if (!clientId) return oauthError(res, 400, 'invalid_request', 'Missing required parameter: client_id');
    if (!redirectUri || !URL.canParse(redirectUri)) return oauthError(res, 400, 'invalid_request', 'Missing or invalid parameter: redirect_uri');
    if (param(req, 'response_type') !== 'code') return oauthError(res, 400, 'unsupported_response_type', 'Only response_type=code is supported');
    const hint = param(req, 'login_hint');
    let account = hint ? ctx.store.get(hint) : undefined;
    if (account) {
      if (!isGoogle(account.sim.provider)) return oauthError(res, 400, 'invalid_request', 'login_hint names a non-Google account');
      // Reconnect: the user grants access again.
      const faults = { ...account.faults };
      delete faults.unauthorized;
      if (faults.missingScope && scopes.includes(faults.missingScope)) delete faults.missingScope;
      account.faults = faults;
      if (scopes.length) account.sim.scopes = scopes;
    } else {
      const provider = providerFor(scopes);
      if (!provider) return oauthError(res, 400, 'invalid_scope', 'No Gmail or Calendar scope requested');
      try {
        account = ctx.store.create({ provider, scopes, ...(hint ? { account: hint } : {}) }, clientId);
      } catch (e) {
        if (e instanceof AccountExistsError) return oauthError(res, 409, 'invalid_request', e.message);
        return oauthError(res, 400, 'invalid_request', 'login_hint is not a valid account name');
      }
    }
    ctx.track(account, req, res);
    const code = codes.issue({ account: account.sim.account, redirectUri, clientId });
    const to = new URL(redirectUri);
    to.searchParams.set('code', code);
    if (state !== undefined) to.searchParams.set('state', state);
    to.searchParams.set('scope', account.sim.scopes.join(' '));
    res.redirect(302, to.toString());
  });

  r.post('/token', ...body, async (req, res) => {
    const clientId = param(req, 'client_id') ?? basicClient(req)?.id;
    if (!clientId) return oauthError(res, 400, 'invalid_request', 'Could not determine client ID from request.');
    const grant = param(req, 'grant_type');
    if (grant === 'refresh_token') {
      const entry = ctx.store.lookup(param(req, 'refresh_token'));
      if (!entry || entry.kind !== 'refresh' || !isGoogle(entry.state.sim.provider)) return invalidGrant(res);
      const state = entry.state;
      ctx.track(state, req, res);
      if (await applyTransportFaults(ctx, state, req, res, googleFaults)) return;
      if (!entry.current || state.faults.unauthorized === 'revoked') return invalidGrant(res);
      ctx.store.issueAccess(state);
      state.clientId = clientId;
      if (state.faults.unauthorized === 'expired') delete state.faults.unauthorized; // the new token is fresh
      return sendJson(res, 200, tokenResponse(state), { 'cache-control': 'no-store' });
    }
    if (grant === 'authorization_code') {
      const pending = codes.take(param(req, 'code'));
      const state = pending && ctx.store.get(pending.account);
      if (!pending || !state) return invalidGrant(res, 'Malformed auth code.');
      ctx.track(state, req, res);
      if (pending.redirectUri !== param(req, 'redirect_uri')) return oauthError(res, 400, 'redirect_uri_mismatch', 'Bad Request');
      if (await applyTransportFaults(ctx, state, req, res, googleFaults)) return;
      ctx.store.issueAccess(state);
      const refreshToken = ctx.store.issueRefresh(state);
      state.clientId = clientId;
      return sendJson(res, 200, tokenResponse(state, refreshToken), { 'cache-control': 'no-store' });
    }
    oauthError(res, 400, 'unsupported_grant_type', `Invalid grant_type: ${grant === undefined ? '' : String(grant).slice(0, 40)}`);
  });

  // Google answers with strings for exp and expires_in (and email_verified).
  r.all('/oauth2/v3/tokeninfo', ...body, async (req, res) => {
    const bad = () => oauthError(res, 400, 'invalid_token', 'Invalid Value');
    const entry = ctx.store.lookup(param(req, 'access_token'));
    if (!entry || entry.kind !== 'access' || !isGoogle(entry.state.sim.provider)) return bad();
    const state = entry.state;
    ctx.track(state, req, res);
    if (await applyTransportFaults(ctx, state, req, res, googleFaults)) return;
    if (!entry.current || state.faults.unauthorized || ctx.store.expired(state)) return bad();
    const expiresAt = state.sim.expiresAt ?? Date.now();
    sendJson(res, 200, {
      azp: state.clientId,
      aud: state.clientId,
      sub: state.identity.sub,
      scope: effectiveScopes(state).join(' '),
      exp: String(Math.floor(expiresAt / 1000)),
      expires_in: String(Math.max(0, Math.floor((expiresAt - Date.now()) / 1000))),
      email: state.identity.email,
      email_verified: 'true',
      access_type: 'offline',
    });
  });

  return r;
}
