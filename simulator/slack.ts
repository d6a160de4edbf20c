// Slack Web API methods (GET or POST, form or JSON; token from `Authorization: Bearer` or a
// `token` parameter). Slack answers 200 with {ok:false,error} for API errors, except 429 and 5xx.
import type { ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import { effectiveScopes, type AccountState, type OneTimeCodes } from './accounts.js';
import { bearer, param, sendJson, type SimContext } from './context.js';
import { applyTransportFaults, malformedJson, type FaultResponder } from './faults.js';

export const slackError = (res: ServerResponse, error: string, extra: Record<string, unknown> = {}, status = 200, headers: Record<string, string> = {}) =>
  sendJson(res, status, { ok: false, error, ...extra }, headers);

export const slackFaults: FaultResponder = {
  serverError: (res, status) => slackError(res, status === 503 ? 'service_unavailable' : 'internal_error', {}, status),
  rateLimited: (res, retryAfter) => slackError(res, 'ratelimited', {}, 429, { 'retry-after': String(retryAfter) }),
  malformed: (res) => malformedJson(res),
};

interface Method {
  token: 'bot' | 'app' | 'none';
  scopes: string[];
  handle(state: AccountState | null, req: Request, res: Response): void;
}

/** Where the WebSocket URL must point: the host the client used to reach us. */
const wsBase = (req: Request) => `ws://${req.headers.host ?? '127.0.0.1'}`;

export function slackApiRouter(ctx: SimContext, tickets: OneTimeCodes<string>): express.Router {
  const r = express.Router();

  const methods: Record<string, Method> = {
    'api.test': { token: 'none', scopes: [], handle: (_s, req, res) => sendJson(res, 200, { ok: true, args: req.query }) },
    'auth.test': {
      token: 'bot',
      scopes: [],
      handle: (s, _req, res) => {
        const id = s!.identity;
        sendJson(res, 200, { ok: true, url: `https://${id.teamDomain}.slack.com/`, team: id.teamName, user: 'pulse-bot', team_id: id.teamId, user_id: id.userId, bot_id: id.botId, is_enterprise_install: false });
      },
    },
    'team.info': {
      token: 'bot',
      scopes: ['team:read'],
      handle: (s, _req, res) => {
        const id = s!.identity;
        sendJson(res, 200, { ok: true, team: { id: id.teamId, name: id.teamName, domain: id.teamDomain, email_domain: '', icon: { image_default: true } } });
      },
    },
    'conversations.list': {
      token: 'bot',
      scopes: ['channels:read'],
      handle: (_s, _req, res) => sendJson(res, 200, { ok: true, channels: [{ id: 'C0SIMGENERAL', name: 'general', is_channel: true, is_member: true }], response_metadata: { next_cursor: '' } }),
    },
    'apps.connections.open': {
      token: 'app',
      scopes: [],
      handle: (s, req, res) => sendJson(res, 200, { ok: true, url: `${wsBase(req)}/slack/socket?ticket=${tickets.issue(s!.sim.account)}` }),
    },
  };

  r.all('/api/:method', express.urlencoded({ extended: false }), express.json(), async (req, res) => {
    const method = methods[req.params.method as string];
    if (!method) return slackError(res, 'unknown_method', {}, 404);
    if (method.token === 'none') return method.handle(null, req, res);

    const token = bearer(req) ?? param(req, 'token');
    if (!token) return slackError(res, 'not_authed');
    const entry = ctx.store.lookup(token);
    if (!entry || entry.state.sim.provider !== 'slack' || entry.kind === 'refresh') return slackError(res, 'invalid_auth');
    const state = entry.state;
    ctx.track(state, req, res);
    if (await applyTransportFaults(ctx, state, req, res, slackFaults)) return;
    if (!entry.current) return slackError(res, 'invalid_auth');
    if (state.faults.unauthorized === 'revoked') return slackError(res, 'token_revoked');
    if ((entry.kind === 'app' ? 'app' : 'bot') !== method.token) return slackError(res, 'not_allowed_token_type');
    if (entry.kind === 'access' && (state.faults.unauthorized === 'expired' || ctx.store.expired(state))) return slackError(res, 'token_expired');

    const granted = effectiveScopes(state);
    if (entry.kind === 'access') res.setHeader('x-oauth-scopes', granted.join(','));
    res.setHeader('x-accepted-oauth-scopes', method.scopes.join(','));
    const needed = method.scopes.filter((s) => !granted.includes(s));
    if (needed.length) return slackError(res, 'missing_scope', { needed: needed.join(','), provided: granted.join(',') });
    method.handle(state, req, res);
  });

  return r;
}
