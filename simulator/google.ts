// Google APIs: Gmail and Calendar read endpoints, Google's JSON error shape, bearer-token
// checks, scope checks and the quota headers.
//
// Quota headers are the simulator's stand-in (Google does not send per-user quota headers):
// every Gmail/Calendar response carries `x-ratelimit-limit: 1000` (calls per minute) and
// `x-ratelimit-remaining: <n>` — 1000 minus this account's calls in the last minute, or at
// most 40 (>= 96 % used) under the quotaNearLimit fault, 0 on a 429.
import type { ServerResponse } from 'node:http';
import express, { type Request, type Response } from 'express';
import { effectiveScopes, isGoogle, type AccountState } from './accounts.js';
import { bearer, sendJson, type SimContext } from './context.js';
import { applyTransportFaults, malformedJson, type FaultResponder } from './faults.js';

const AUTH = 'https://www.googleapis.com/auth/';
const gmailRead = [`${AUTH}gmail.readonly`, `${AUTH}gmail.modify`, `${AUTH}gmail.metadata`, 'https://mail.google.com/'];
const calendarEvents = [`${AUTH}calendar.readonly`, `${AUTH}calendar.events`, `${AUTH}calendar.events.readonly`, `${AUTH}calendar`];
const calendarList = [`${AUTH}calendar.readonly`, `${AUTH}calendar`];

const rpcStatus: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 501: 'NOT_IMPLEMENTED', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' };

export function googleError(res: ServerResponse, code: number, reason: string, message: string, opts: { domain?: string; headers?: Record<string, string>; detail?: string } = {}): void {
  const status = rpcStatus[code] ?? (code >= 500 ? 'INTERNAL' : 'UNKNOWN');
  sendJson(res, code, { error: { code, message, status, errors: [{ message: opts.detail ?? message, domain: opts.domain ?? 'global', reason }] } }, opts.headers);
}

const unauthenticated = (res: ServerResponse) =>
  googleError(res, 401, 'authError', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', {
    detail: 'Invalid Credentials',
    headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  });

export const googleFaults: FaultResponder = {
  serverError: (res, status) => googleError(res, status, 'backendError', status === 503 ? 'The service is currently unavailable.' : 'Internal error encountered.', { detail: 'Backend Error' }),
  rateLimited: (res, retryAfter) => {
    res.setHeader('x-ratelimit-remaining', '0');
    googleError(res, 429, 'rateLimitExceeded', "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.", { domain: 'usageLimits', headers: { 'retry-after': String(retryAfter) } });
  },
  malformed: (res) => malformedJson(res, '{"kind":'),
};

function quotaHeaders(state: AccountState, res: Response): void {
  const now = Date.now();
  state.recentCalls = state.recentCalls.filter((t) => t > now - 60_000);
  state.recentCalls.push(now);
  let remaining = Math.max(0, 1000 - state.recentCalls.length);
  if (state.faults.quotaNearLimit) remaining = Math.min(remaining, 40);
  res.setHeader('x-ratelimit-limit', '1000');
  res.setHeader('x-ratelimit-remaining', String(remaining));
}

/** The account behind a valid Google access token, or undefined once the error is answered. */
async function authorize(ctx: SimContext, req: Request, res: Response): Promise<AccountState | undefined> {
  const token = bearer(req) ?? (typeof req.query.access_token === 'string' ? req.query.access_token : undefined);
  const entry = ctx.store.lookup(token);
  if (!entry || entry.kind !== 'access' || !isGoogle(entry.state.sim.provider)) {
    unauthenticated(res);
    return undefined;
  }
  const state = entry.state;
  ctx.track(state, req, res);
  quotaHeaders(state, res);
  if (await applyTransportFaults(ctx, state, req, res, googleFaults)) return undefined;
  if (!entry.current || state.faults.unauthorized || ctx.store.expired(state)) {
    unauthenticated(res);
    return undefined;
  }
  return state;
}

function hasScope(state: AccountState, res: Response, accepted: string[]): boolean {
  const granted = effectiveScopes(state);
  if (accepted.some((s) => granted.includes(s))) return true;
  googleError(res, 403, 'insufficientPermissions', 'Request had insufficient authentication scopes.', {
    detail: 'Insufficient Permission',
    headers: { 'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${accepted.join(' ')}"` },
  });
  return false;
}

function maxResults(req: Request, fallback: number): number {
  const n = Number(req.query.maxResults ?? fallback);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const isMe = (state: AccountState, userId: string | undefined) => userId === 'me' || userId === state.identity.email;

export function googleApiRouter(ctx: SimContext): express.Router {
  const r = express.Router();

  r.get('/gmail/v1/users/:userId/profile', async (req, res) => {
    const state = await authorize(ctx, req, res);
    if (!state || !hasScope(state, res, gmailRead)) return;
    if (!isMe(state, req.params.userId)) return googleError(res, 403, 'forbidden', 'Delegation denied for ' + state.identity.email);
    sendJson(res, 200, { emailAddress: state.identity.email, messagesTotal: 1234, threadsTotal: 987, historyId: '4412907' });
  });

  r.get('/gmail/v1/users/:userId/messages', async (req, res) => {
    const state = await authorize(ctx, req, res);
    if (!state || !hasScope(state, res, gmailRead)) return;
    if (!isMe(state, req.params.userId)) return googleError(res, 403, 'forbidden', 'Delegation denied for ' + state.identity.email);
    const all = Array.from({ length: 5 }, (_, i) => ({ id: (0x18f3a2b4c5d6e7 - i).toString(16), threadId: (0x18f3a2b4c5d6e7 - i - (i % 2)).toString(16) }));
    sendJson(res, 200, { messages: all.slice(0, maxResults(req, 100)), nextPageToken: '09876543210', resultSizeEstimate: 1234 });
  });

  r.get('/calendar/v3/calendars/primary/events', async (req, res) => {
    const state = await authorize(ctx, req, res);
    if (!state || !hasScope(state, res, calendarEvents)) return;
    const day = 86_400_000;
    const start = Math.floor(Date.now() / day) * day + day;
    const items = ['Standup', 'Planning', 'Retro'].map((summary, i) => ({
      kind: 'calendar#event',
      id: `simevent${i}`,
      status: 'confirmed',
      summary,
      start: { dateTime: new Date(start + i * day + 9 * 3_600_000).toISOString() },
      end: { dateTime: new Date(start + i * day + 9.5 * 3_600_000).toISOString() },
    }));
    sendJson(res, 200, {
      kind: 'calendar#events',
      summary: state.identity.email,
      updated: new Date().toISOString(),
      timeZone: 'UTC',
      accessRole: state.faults.readOnlyCalendar ? 'reader' : 'owner',
      items: items.slice(0, maxResults(req, 250)),
    });
  });

  r.get('/calendar/v3/users/me/calendarList/primary', async (req, res) => {
    const state = await authorize(ctx, req, res);
    if (!state || !hasScope(state, res, calendarList)) return;
    sendJson(res, 200, {
      kind: 'calendar#calendarListEntry',
      id: state.identity.email,
      summary: state.identity.email,
      timeZone: 'UTC',
      accessRole: state.faults.readOnlyCalendar ? 'reader' : 'owner',
      primary: true,
    });
  });

  return r;
}
