// Plumbing every provider check shares: named timed steps, one mapping of network failures
// to error codes, JSON over HTTP, and the Google API conventions (tokeninfo, error bodies).
// Nothing here ever copies a token, a response body or a request URL into an error.
import type { CheckContext, CheckObservation, Credentials } from './provider.js';
import { AddressNotAllowed } from '../../platform/egress/index.js';
import type { CheckError, CheckStep, QuotaUsage } from '../../schemas/types.generated.js';

/** Ends a check with this error; thrown so a step can stop the check from any depth. */
export class CheckFailure extends Error {
  constructor(readonly error: CheckError) {
    super(error.message);
  }
}

export const failure = (code: string, message: string, retryAfterSeconds: number | null = null) =>
  new CheckFailure({ code, message, retryAfterSeconds });

/**
 * One answer for every address the egress policy refuses, whatever the range, port or step:
 * nothing was connected to, so nothing about the target (open, closed, filtered, its body) can
 * show through the code, the message or the timing.
 */
export const targetNotAllowed: CheckError = { code: 'target_not_allowed', message: 'this address is not allowed for checks (not a public address)', retryAfterSeconds: null };

export function networkError(err: unknown, signal: AbortSignal): CheckError {
  const cause = (err as { cause?: { code?: string } })?.cause;
  if (err instanceof AddressNotAllowed || cause instanceof AddressNotAllowed) return targetNotAllowed;
  if (signal.aborted) return { code: 'timeout', message: 'no response within the check timeout', retryAfterSeconds: null };
  const code = cause?.code ?? (err as { code?: string })?.code ?? '';
  if (code === 'ECONNREFUSED') return { code: 'connection_refused', message: 'connection refused', retryAfterSeconds: null };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns_failure', message: 'host name not found', retryAfterSeconds: null };
  if (/CERT|SSL|TLS/.test(code)) return { code: 'tls_error', message: `TLS handshake failed (${code})`, retryAfterSeconds: null };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return { code: 'connection_reset', message: 'connection reset', retryAfterSeconds: null };
  return { code: 'network_error', message: code ? `network error (${code})` : 'network error', retryAfterSeconds: null };
}

/** Retry-After in seconds; the HTTP-date form is rare for APIs and ignored. */
export function retryAfterSeconds(header: string | null): number | null {
  return header !== null && /^\d+$/.test(header.trim()) ? Number(header.trim()) : null;
}

/** Provider-chosen words (error reasons, roles, ids) are echoed only if they are plain identifiers:
 * no '.', '-' or '/', so not even a misbehaving server can get a token (ya29.…, xoxb-…) or a URL into an event. */
export const identifier = (value: unknown): string | null =>
  typeof value === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(value) ? value : null;

/** The steps of one check, plus the facts gathered along the way. */
export class Steps {
  readonly list: CheckStep[] = [];
  httpStatus: number | null = null;
  quota: QuotaUsage | null = null;
  constructor(private readonly ctx: CheckContext) {}

  /** Runs `fn` as the step `name`; a failure is recorded on the step and ends the check. */
  async step<T>(name: string, fn: () => Promise<T>, detail: (value: T) => string | null = () => null): Promise<T> {
    const t = this.ctx.elapsed();
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      if (err instanceof CheckFailure) throw this.fail(name, t, err.error);
      // Whatever a library throws once the budget is spent, the cause is the deadline.
      if (this.ctx.signal.aborted) throw this.fail(name, t, networkError(err, this.ctx.signal));
      throw err; // a bug: runCheck reports internal_error without leaking it
    }
    this.done(name, t, detail(value));
    return value;
  }

  done(name: string, since: number, detail: string | null, until = this.ctx.elapsed()): void {
    this.list.push({ name, durationMs: Math.max(0, Math.round(until - since)), outcome: 'succeeded', detail });
  }

  fail(name: string, since: number, error: CheckError): CheckFailure {
    this.list.push({ name, durationMs: Math.max(0, Math.round(this.ctx.elapsed() - since)), outcome: 'failed', detail: error.message });
    return new CheckFailure(error);
  }
}

/** Runs a check body and turns its result or CheckFailure into an observation. */
export async function runSteps(ctx: CheckContext, body: (steps: Steps) => Promise<void>): Promise<CheckObservation> {
  const steps = new Steps(ctx);
  try {
    await body(steps);
  } catch (err) {
    if (!(err instanceof CheckFailure)) throw err;
    return { outcome: 'failed', steps: steps.list, httpStatus: steps.httpStatus, error: err.error, quota: steps.quota };
  }
  return { outcome: 'succeeded', steps: steps.list, httpStatus: steps.httpStatus, error: null, quota: steps.quota };
}

export function requireCredentials(ctx: CheckContext): Credentials {
  if (!ctx.credentials) throw failure('invalid_config', 'no credentials');
  return ctx.credentials;
}

export type Json = Record<string, unknown>;
export const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One request; `json` is null when the body is not a JSON object. Records the status. */
export async function fetchJson(ctx: CheckContext, steps: Steps, url: string, init: RequestInit = {}): Promise<{ res: Response; json: Json | null }> {
  try {
    // redirect: 'manual' so a bearer token is never replayed to wherever a 3xx points.
    const res = await ctx.network.providers.fetch(url, { ...init, redirect: 'manual', signal: ctx.signal });
    steps.httpStatus = res.status;
    const text = await res.text();
    let json: unknown = null;
    try { json = JSON.parse(text); } catch { /* not JSON: the caller decides what that means */ }
    return { res, json: isJson(json) ? json : null };
  } catch (err) {
    throw new CheckFailure(networkError(err, ctx.signal));
  }
}

export const joinUrl = (base: string, path: string) => base.replace(/\/+$/, '') + path;

// ---- Google ----

const scopePrefix = 'https://www.googleapis.com/auth/';
// Broader scopes that include a narrower one, so a token granted more than we ask is healthy.
const impliedBy: Record<string, string[]> = {
  [`${scopePrefix}gmail.readonly`]: [`${scopePrefix}gmail.modify`, 'https://mail.google.com/'],
  [`${scopePrefix}calendar.readonly`]: [`${scopePrefix}calendar`],
  [`${scopePrefix}calendar.events`]: [`${scopePrefix}calendar`],
};

export function missingScopes(granted: readonly string[], required: readonly string[]): string[] {
  return required.filter((s) => !granted.includes(s) && !(impliedBy[s] ?? []).some((b) => granted.includes(b)));
}

export const shortScope = (scope: string) => scope.replace(scopePrefix, '');

function googleReasons(json: Json | null): string[] {
  const error = json?.error;
  if (typeof error === 'string') return [error]; // tokeninfo: {"error":"invalid_token"}
  if (!isJson(error)) return [];
  const items = [...(Array.isArray(error.errors) ? error.errors : []), ...(Array.isArray(error.details) ? error.details : [])];
  return items.map((e) => identifier(isJson(e) ? e.reason : null)).filter((r): r is string => r !== null);
}

const quotaReasons = ['rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded', 'quotaExceeded', 'RATE_LIMIT_EXCEEDED'];

/** Google's error convention: the status says most, `errors[].reason` says which 403. */
export function googleError(res: Response, json: Json | null, op: string): CheckError {
  const reasons = googleReasons(json);
  const message = `HTTP ${res.status}${reasons[0] ? ` ${reasons[0]}` : ''} on ${op}`;
  const retryAfter = retryAfterSeconds(res.headers.get('retry-after'));
  const error = (code: string, retry: number | null = null) => ({ code, message, retryAfterSeconds: retry });
  if (res.status === 401 || (res.status === 400 && reasons.includes('invalid_token'))) return error('unauthorized');
  if (res.status === 429) return error('rate_limited', retryAfter);
  if (res.status === 403) {
    if (reasons.some((r) => r === 'insufficientPermissions' || r === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT')) return error('scope_missing');
    if (reasons.some((r) => quotaReasons.includes(r))) return error('quota_exceeded', retryAfter);
    return error('forbidden');
  }
  if (res.status >= 500) return error('server_error');
  return error('unexpected_status');
}

/** GET a Google API path; a non-2xx or a body that is not a JSON object ends the check. */
export async function googleGet(ctx: CheckContext, steps: Steps, path: string, op: string, token: string | null): Promise<{ res: Response; json: Json }> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const { res, json } = await fetchJson(ctx, steps, joinUrl(ctx.endpoints.googleApis, path), { headers });
  if (res.status < 200 || res.status > 299) throw new CheckFailure(googleError(res, json, op));
  if (!json) throw failure('malformed_response', `unexpected response body on ${op}`);
  return { res, json };
}

/** The `token` step: the token is alive and carries `required`. Returns the granted scopes. */
export async function googleTokenStep(ctx: CheckContext, steps: Steps, token: string, required: readonly string[]): Promise<string[]> {
  const info = await steps.step('token', async () => {
    // tokeninfo takes the token in the query string: this URL must never reach an error or a log.
    const { json } = await googleGet(ctx, steps, `/oauth2/v3/tokeninfo?access_token=${encodeURIComponent(token)}`, 'tokeninfo', null);
    if (typeof json.scope !== 'string') throw failure('malformed_response', 'no scope in tokeninfo');
    const granted = json.scope.split(/\s+/).filter(Boolean);
    const missing = missingScopes(granted, required);
    if (missing.length) throw failure('scope_missing', `scope not granted: ${missing.map(shortScope).join(', ')}`);
    return { granted, expiresIn: Number(json.expires_in) };
  }, (i) => `${i.granted.length} scopes${Number.isFinite(i.expiresIn) ? `, expires in ${i.expiresIn} s` : ''}`);
  return info.granted;
}
