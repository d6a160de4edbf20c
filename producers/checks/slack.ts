// Slack: the bot token works and has the scopes Pulse needs, the workspace answers, and,
// where the integration has an app-level token, a Socket Mode connection says hello.
import { z } from 'zod';
import WebSocket from 'ws';
import { AddressNotAllowed, urlPort, type Egress } from '../../platform/egress/index.js';
import type { CheckContext, CheckObservation, ProviderCheck } from './provider.js';
import { CheckFailure, failure, fetchJson, identifier, joinUrl, networkError, requireCredentials, retryAfterSeconds, runSteps, targetNotAllowed, type Json, type Steps } from './providerHttp.js';
import type { CheckError } from '../../schemas/types.generated.js';

const requiredScopes = ['channels:read', 'chat:write', 'team:read'];

// socketMode defaults to "test it when the integration has an app-level token".
export const slackConfigSchema = z.object({ socketMode: z.boolean().optional() }).strict();
export type SlackConfig = z.infer<typeof slackConfigSchema>;

const slackCodes: Record<string, string> = {
  invalid_auth: 'unauthorized', not_authed: 'unauthorized', account_inactive: 'unauthorized',
  token_revoked: 'token_revoked', token_expired: 'token_expired', missing_scope: 'scope_missing', ratelimited: 'rate_limited',
};

// Slack answers most failures as HTTP 200 {ok:false, error}; the status matters only for 429 and 5xx.
function slackError(res: Response, json: Json | null, method: string): CheckError | null {
  const retryAfter = retryAfterSeconds(res.headers.get('retry-after'));
  if (res.status === 429) return { code: 'rate_limited', message: `HTTP 429 on ${method}`, retryAfterSeconds: retryAfter };
  if (res.status >= 500) return { code: 'server_error', message: `HTTP ${res.status} on ${method}`, retryAfterSeconds: null };
  if (res.status !== 200) return { code: 'unexpected_status', message: `HTTP ${res.status} on ${method}`, retryAfterSeconds: null };
  if (!json || typeof json.ok !== 'boolean') return { code: 'malformed_response', message: `unexpected response body on ${method}`, retryAfterSeconds: null };
  if (json.ok) return null;
  const error = identifier(json.error) ?? 'unknown_error';
  // Slack names the missing scope(s), e.g. "team:read" or "chat:write,im:read".
  const needed = error === 'missing_scope' && typeof json.needed === 'string' && /^[a-z][a-z0-9_.:,]{0,99}$/.test(json.needed) ? json.needed : null;
  const code = slackCodes[error] ?? 'provider_error';
  return { code, message: `${error}${needed ? ` (needs ${needed})` : ''} on ${method}`, retryAfterSeconds: code === 'rate_limited' ? retryAfter : null };
}

async function call(ctx: CheckContext, steps: Steps, method: string, token: string): Promise<{ res: Response; json: Json }> {
  const { res, json } = await fetchJson(ctx, steps, joinUrl(ctx.endpoints.slackApi, `/${method}`), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
  });
  const error = slackError(res, json, method);
  if (error) throw new CheckFailure(error);
  return { res, json: json as Json };
}

/**
 * Opens the Socket Mode WebSocket and waits for Slack's hello, then closes it. Slack names the
 * URL, so it is judged like any provider connection before the socket opens.
 */
async function awaitHello(url: URL, signal: AbortSignal, egress: Egress): Promise<void> {
  let guard: Awaited<ReturnType<Egress['socketOptions']>>;
  try {
    guard = await egress.socketOptions(url.hostname, urlPort(url));
  } catch (err) {
    if (err instanceof AddressNotAllowed) throw new CheckFailure(targetNotAllowed);
    const code = identifier((err as { code?: string }).code);
    throw failure('socket_mode_failed', `WebSocket error${code ? ` (${code})` : ''}`);
  }
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.href, guard as WebSocket.ClientOptions);
    let settled = false;
    const settle = (error: CheckError | null) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) { ws.terminate(); reject(new CheckFailure(error)); } else { ws.close(1000); resolve(); }
    };
    const failed = (message: string) => settle({ code: 'socket_mode_failed', message, retryAfterSeconds: null });
    const onAbort = () => settle(networkError(null, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    ws.on('message', (data) => {
      let type: unknown;
      try { type = (JSON.parse(data.toString()) as Json | null)?.type; } catch { /* not JSON: keep waiting */ }
      if (type === 'hello') settle(null);
    });
    ws.on('unexpected-response', (_req, res) => failed(`WebSocket upgrade refused (HTTP ${res.statusCode})`));
    // The error's text may quote the URL (which carries a ticket): only its code is kept.
    ws.on('error', (err) => failed(`WebSocket error${identifier((err as { code?: string }).code) ? ` (${(err as { code?: string }).code})` : ''}`));
    ws.on('close', (code) => failed(`WebSocket closed before hello (code ${code})`));
  });
}

async function socketMode(ctx: CheckContext, steps: Steps, appToken: string): Promise<void> {
  let url: URL;
  try {
    const { json } = await call(ctx, steps, 'apps.connections.open', appToken);
    url = new URL(String(json.url));
  } catch (err) {
    // Any failure to open Socket Mode is one finding; only the deadline keeps its own code.
    if (err instanceof CheckFailure && err.error.code !== 'timeout') throw failure('socket_mode_failed', err.error.message);
    if (err instanceof TypeError) throw failure('socket_mode_failed', 'no WebSocket URL from apps.connections.open');
    throw err;
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') throw failure('socket_mode_failed', 'no WebSocket URL from apps.connections.open');
  await awaitHello(url, ctx.signal, ctx.network.providers);
}

async function check(config: SlackConfig, ctx: CheckContext): Promise<CheckObservation> {
  return runSteps(ctx, async (steps) => {
    const credentials = requireCredentials(ctx);
    await steps.step('auth_test', async () => {
      const { res, json } = await call(ctx, steps, 'auth.test', credentials.accessToken);
      // Slack lists the token's scopes in a header; fall back to what it said when the token was issued.
      const header = res.headers.get('x-oauth-scopes');
      const granted = header !== null ? header.split(',').map((s) => s.trim()).filter(Boolean) : credentials.scopes;
      const missing = requiredScopes.filter((s) => !granted.includes(s));
      if (missing.length) throw failure('scope_missing', `scope not granted: ${missing.join(', ')}`);
      return identifier(json.team_id);
    }, (team) => (team ? `team ${team}` : null));
    await steps.step('team_info', () => call(ctx, steps, 'team.info', credentials.accessToken), ({ res }) => `HTTP ${res.status}`);
    if (config.socketMode === false || (config.socketMode === undefined && !credentials.appToken)) return;
    await steps.step('socket_mode', async () => {
      if (!credentials.appToken) throw failure('socket_mode_failed', 'no app-level token for Socket Mode');
      await socketMode(ctx, steps, credentials.appToken);
    }, () => 'hello received');
  });
}

export const slackCheck: ProviderCheck<SlackConfig> = {
  provider: 'slack',
  configSchema: slackConfigSchema,
  oauth: { issuer: 'slack', requiredScopes },
  check,
};
