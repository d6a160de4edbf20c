// Slack OAuth v2 with token rotation: the install screen (auto-approved) and oauth.v2.access
// (code exchange and refresh; a refresh rotates both the access and the refresh token).
import express from 'express';
import { AccountExistsError, effectiveScopes, OneTimeCodes, type AccountState } from './accounts.js';
import { basicClient, param, sendJson, type SimContext } from './context.js';
import { applyTransportFaults } from './faults.js';
import { slackError, slackFaults } from './slack.js';

interface PendingCode { account: string; redirectUri: string }

function tokenResponse(state: AccountState, refreshToken: string) {
  const id = state.identity;
  return {
    ok: true,
    app_id: id.appId,
    authed_user: { id: id.userId },
    scope: effectiveScopes(state).join(','),
    token_type: 'bot',
    access_token: state.sim.accessToken,
    bot_user_id: id.userId,
    refresh_token: refreshToken,
    expires_in: Math.max(0, Math.round(((state.sim.expiresAt ?? Date.now()) - Date.now()) / 1000)),
    team: { id: id.teamId, name: id.teamName },
    enterprise: null,
    is_enterprise_install: false,
  };
}

export function slackOAuthRouter(ctx: SimContext): express.Router {
  const r = express.Router();
  const codes = new OneTimeCodes<PendingCode>('sim-slack-code-', 10 * 60_000);

  // Install/consent: approved at once. login_hint=<account> (a simulator extension) reconnects that account.
  r.get('/slack/oauth/v2/authorize', (req, res) => {
    const redirectUri = param(req, 'redirect_uri');
    if (!param(req, 'client_id')) return sendJson(res, 400, { ok: false, error: 'invalid_client_id' });
    if (!redirectUri || !URL.canParse(redirectUri)) return sendJson(res, 400, { ok: false, error: 'bad_redirect_uri' });
    const scopes = (param(req, 'scope') ?? '').split(/[\s,]+/).filter(Boolean);
    const hint = param(req, 'login_hint');
    let account = hint ? ctx.store.get(hint) : undefined;
    if (account) {
      if (account.sim.provider !== 'slack') return sendJson(res, 400, { ok: false, error: 'invalid_team' });
      const faults = { ...account.faults };
      delete faults.unauthorized;
      if (faults.missingScope && scopes.includes(faults.missingScope)) delete faults.missingScope;
      account.faults = faults;
      if (scopes.length) account.sim.scopes = scopes;
    } else {
      try {
        account = ctx.store.create({ provider: 'slack', ...(scopes.length ? { scopes } : {}), ...(hint ? { account: hint } : {}) });
      } catch (e) {
        return sendJson(res, 400, { ok: false, error: e instanceof AccountExistsError ? 'account_exists' : 'invalid_login_hint' });
      }
    }
    ctx.track(account, req, res);
    const to = new URL(redirectUri);
    to.searchParams.set('code', codes.issue({ account: account.sim.account, redirectUri }));
    const state = param(req, 'state');
    if (state !== undefined) to.searchParams.set('state', state);
    res.redirect(302, to.toString());
  });

  r.all('/api/oauth.v2.access', express.urlencoded({ extended: false }), express.json(), async (req, res) => {
    if (!(param(req, 'client_id') ?? basicClient(req)?.id)) return slackError(res, 'invalid_client_id');
    const grant = param(req, 'grant_type') ?? 'authorization_code';
    if (grant === 'refresh_token') {
      const entry = ctx.store.lookup(param(req, 'refresh_token'));
      if (!entry || entry.kind !== 'refresh' || entry.state.sim.provider !== 'slack') return slackError(res, 'invalid_refresh_token');
      const state = entry.state;
      ctx.track(state, req, res);
      if (await applyTransportFaults(ctx, state, req, res, slackFaults)) return;
      if (!entry.current || state.faults.unauthorized === 'revoked') return slackError(res, 'invalid_refresh_token');
      ctx.store.issueAccess(state);
      const refreshToken = ctx.store.issueRefresh(state);
      if (state.faults.unauthorized === 'expired') delete state.faults.unauthorized;
      return sendJson(res, 200, tokenResponse(state, refreshToken));
    }
    if (grant !== 'authorization_code') return slackError(res, 'invalid_grant_type');
    const pending = codes.take(param(req, 'code'));
    const state = pending && ctx.store.get(pending.account);
    if (!pending || !state) return slackError(res, 'invalid_code');
    ctx.track(state, req, res);
    const redirectUri = param(req, 'redirect_uri');
    if (redirectUri !== undefined && redirectUri !== pending.redirectUri) return slackError(res, 'bad_redirect_uri');
    if (await applyTransportFaults(ctx, state, req, res, slackFaults)) return;
    ctx.store.issueAccess(state);
    sendJson(res, 200, tokenResponse(state, ctx.store.issueRefresh(state)));
  });

  return r;
}
