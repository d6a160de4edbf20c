// Provider checks against tiny fake Google / Slack / MCP servers over real local HTTP and
// WebSocket: the steps, the error mapping, and that no secret reaches the event.
import { expect } from 'chai';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { runCheck, type CheckEnv, type ScheduledIntegration } from '../../producers/runCheck.js';
import type { Credentials, ProviderCheck } from '../../producers/checks/provider.js';
import { gmailCheck } from '../../producers/checks/gmail.js';
import { calendarCheck } from '../../producers/checks/calendar.js';
import { slackCheck } from '../../producers/checks/slack.js';
import { mcpCheck } from '../../producers/checks/mcp.js';
import { httpCheck } from '../../producers/checks/http.js';
import { providerChecks } from '../../producers/checks/index.js';
import { refusedPort } from '../support/refusedPort.js';
import { openTo } from '../support/egress.js';

const ACCESS = 'ya29.SECRET-access-token-0001';
const APP = 'xapp-SECRET-app-token-0002';
const TICKET = 'SECRET-ticket-0003';
const BODY = 'BODY-MARKER-private-data'; // put into fake error bodies: must never reach an event
const secrets = [ACCESS, APP, TICKET, BODY];

const G = 'https://www.googleapis.com/auth/';
const gmailScopes = [`${G}gmail.readonly`];
const calendarScopes = [`${G}calendar.readonly`, `${G}calendar.events`];

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void;
const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
const googleError = (code: number, reason: string) => ({ error: { code, status: 'X', message: BODY, errors: [{ reason, message: BODY }] } });
const slackOk = (extra: Record<string, unknown> = {}) => ({ ok: true, ...extra });

interface Fake {
  url: string;
  routes: Map<string, Handler>;
  /** Authorization headers seen, per path. */
  auth: Map<string, string | undefined>;
  state: { googleScopes: string[]; role: string; slackScopes: string; socket: 'hello' | 'no_hello' };
  reset(): void;
  close(): Promise<void>;
}

async function startFake(): Promise<Fake> {
  const routes = new Map<string, Handler>();
  const auth = new Map<string, string | undefined>();
  const state: Fake['state'] = { googleScopes: [], role: 'owner', slackScopes: '', socket: 'hello' };
  const bearer = (req: http.IncomingMessage, token: string) => req.headers.authorization === `Bearer ${token}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    auth.set(url.pathname, req.headers.authorization);
    req.resume();
    const handler = routes.get(url.pathname);
    if (handler) handler(req, res, url);
    else send(res, 404, { error: 'not found' });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => {
    if (state.socket === 'hello') ws.send(JSON.stringify({ type: 'hello', num_connections: 1 }));
    else { ws.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' })); ws.close(1001); }
  }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

  const reset = () => {
    routes.clear();
    auth.clear();
    Object.assign(state, { googleScopes: [...gmailScopes, ...calendarScopes], role: 'owner', slackScopes: 'channels:read,chat:write,team:read,users:read', socket: 'hello' });
    routes.set('/oauth2/v3/tokeninfo', (_req, res, url) => url.searchParams.get('access_token') === ACCESS
      ? send(res, 200, { aud: 'client', scope: state.googleScopes.join(' '), expires_in: '3599' })
      : send(res, 400, { error: 'invalid_token', error_description: BODY }));
    const google = (body: unknown, headers: Record<string, string> = {}): Handler => (req, res) =>
      bearer(req, ACCESS) ? send(res, 200, body, headers) : send(res, 401, googleError(401, 'authError'));
    routes.set('/gmail/v1/users/me/messages', google({ messages: [{ id: 'm1' }], resultSizeEstimate: 1 }, { 'x-ratelimit-limit': '250', 'x-ratelimit-remaining': '240' }));
    routes.set('/calendar/v3/calendars/primary/events', google({ items: [] }));
    routes.set('/calendar/v3/users/me/calendarList/primary', (req, res) => google({ id: 'primary', accessRole: state.role })(req, res, new URL(base)));
    const slack = (token: string, body: () => unknown, headers: () => Record<string, string> = () => ({})): Handler => (req, res) =>
      bearer(req, token) ? send(res, 200, body(), headers()) : send(res, 200, { ok: false, error: 'invalid_auth' });
    routes.set('/api/auth.test', slack(ACCESS, () => slackOk({ team_id: 'T123', user_id: 'U1' }), () => ({ 'x-oauth-scopes': state.slackScopes })));
    routes.set('/api/team.info', slack(ACCESS, () => slackOk({ team: { id: 'T123', name: BODY } })));
    routes.set('/api/apps.connections.open', slack(APP, () => slackOk({ url: `${base.replace('http', 'ws')}/socket?ticket=${TICKET}` })));
  };
  reset();
  return {
    url: base, routes, auth, state, reset,
    close: async () => { wss.close(); server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}

async function startMcp(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    if (req.url === '/broken') return send(res, 503, BODY);
    if (req.url === '/auth') return send(res, 401, BODY);
    if (req.url === '/html') return res.writeHead(200, { 'content-type': 'text/html' }).end(`<p>${BODY}</p>`);
    if (req.url === '/slow') return; // never answered; close() ends the connection
    // Stateless Streamable HTTP: a fresh server and transport per request.
    const mcp = new McpServer({ name: 'sim-mcp-x', version: '1.4.2' });
    mcp.registerTool('echo', { description: 'echo' }, async () => ({ content: [] }));
    mcp.registerTool('ping', { description: 'ping' }, async () => ({ content: [] }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => { void transport.close(); void mcp.close(); });
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
}

const credentials = (over: Partial<Credentials> = {}): Credentials => ({ accessToken: ACCESS, appToken: null, scopes: [], expiresAt: null, ...over });


describe('provider checks (against local fakes)', () => {
  let fake: Fake;
  let env: (timeoutMs?: number, reach?: string[]) => CheckEnv;
  before(async () => {
    fake = await startFake();
    // A deadline far beyond any answer: a success path must not hinge on the machine's speed
    // (the timeout tests set a short one of their own).
    // The network opens the fake provider and the target a test checks, nothing else.
    env = (timeoutMs = 30_000, reach: string[] = []) => ({
      timeoutMs, endpoints: { googleApis: fake.url, slackApi: `${fake.url}/api` }, network: openTo([fake.url, ...reach]), now: Date.now, monotonic: () => performance.now(), newId: randomUUID,
    });
  });
  after(async () => fake.close());
  beforeEach(() => fake.reset());

  async function run(check: ProviderCheck<any>, opts: { config?: Record<string, unknown>; creds?: Credentials | null; timeoutMs?: number } = {}) {
    const integration: ScheduledIntegration = { integrationId: 'i', userId: 'u', provider: check.provider, config: opts.config ?? {}, checkIntervalSeconds: 60 };
    const target = typeof opts.config?.url === 'string' && URL.canParse(opts.config.url) ? [opts.config.url] : [];
    const e = await runCheck(integration, check, 'scheduled', env(opts.timeoutMs, target), { credentials: opts.creds === undefined ? credentials() : opts.creds });
    const text = JSON.stringify(e);
    for (const s of secrets) expect(text, `event leaks ${s}`).not.to.contain(s);
    return e;
  }
  const stepNames = (e: { steps: { name: string }[] }) => e.steps.map((s) => s.name);

  it('registers all five providers', () => {
    expect(Object.keys(providerChecks).sort()).to.deep.equal(['gmail', 'google_calendar', 'http', 'mcp', 'slack']);
  });

  describe('gmail', () => {
    it('passes token, messages_list and quota, sending the token only as a bearer', async () => {
      const e = await run(gmailCheck);
      expect(e).to.include({ outcome: 'succeeded', httpStatus: 200, error: null });
      expect(stepNames(e)).to.deep.equal(['token', 'messages_list', 'quota']);
      expect(e.steps[0]?.detail).to.equal('3 scopes, expires in 3599 s');
      expect(e.quota).to.deep.equal({ used: 10, limit: 250 });
      expect(fake.auth.get('/gmail/v1/users/me/messages')).to.equal(`Bearer ${ACCESS}`);
    });

    it('skips the quota step when the API sends no rate-limit headers', async () => {
      fake.routes.set('/gmail/v1/users/me/messages', (_q, res) => send(res, 200, { messages: [] }));
      const e = await run(gmailCheck);
      expect(stepNames(e)).to.deep.equal(['token', 'messages_list']);
      expect(e.quota).to.equal(null);
    });

    it('accepts a broader scope that includes gmail.readonly', async () => {
      fake.state.googleScopes = ['https://mail.google.com/'];
      expect((await run(gmailCheck)).outcome).to.equal('succeeded');
    });

    it('reports a token tokeninfo rejects as unauthorized', async () => {
      const e = await run(gmailCheck, { creds: credentials({ accessToken: 'ya29.SECRET-other' }) });
      expect(e.error).to.deep.equal({ code: 'unauthorized', message: 'HTTP 400 invalid_token on tokeninfo', retryAfterSeconds: null });
      expect(JSON.stringify(e)).not.to.contain('ya29.SECRET-other');
      expect(e.steps).to.have.length(1);
      expect(e.steps[0]).to.include({ name: 'token', outcome: 'failed' });
    });

    it('reports a missing scope at the token step', async () => {
      fake.state.googleScopes = [`${G}userinfo.email`];
      const e = await run(gmailCheck);
      expect(e.error).to.include({ code: 'scope_missing', message: 'scope not granted: gmail.readonly' });
    });

    it('maps Google API errors', async () => {
      const cases: [number, unknown, Record<string, string>, string, string, number | null][] = [
        [401, googleError(401, 'authError'), {}, 'unauthorized', 'HTTP 401 authError on messages.list', null],
        [403, googleError(403, 'insufficientPermissions'), {}, 'scope_missing', 'HTTP 403 insufficientPermissions on messages.list', null],
        [403, googleError(403, 'userRateLimitExceeded'), {}, 'quota_exceeded', 'HTTP 403 userRateLimitExceeded on messages.list', null],
        [403, googleError(403, 'domainPolicy'), {}, 'forbidden', 'HTTP 403 domainPolicy on messages.list', null],
        [429, googleError(429, 'rateLimitExceeded'), { 'retry-after': '30' }, 'rate_limited', 'HTTP 429 rateLimitExceeded on messages.list', 30],
        [503, BODY, {}, 'server_error', 'HTTP 503 on messages.list', null],
        [200, `<html>${BODY}</html>`, {}, 'malformed_response', 'unexpected response body on messages.list', null],
      ];
      for (const [status, body, headers, code, message, retryAfterSeconds] of cases) {
        fake.routes.set('/gmail/v1/users/me/messages', (_q, res) => send(res, status, body, headers));
        const e = await run(gmailCheck);
        expect(e.error, `${status} ${code}`).to.deep.equal({ code, message, retryAfterSeconds });
        expect(e.httpStatus).to.equal(status);
        expect(e.steps.at(-1)).to.include({ name: 'messages_list', outcome: 'failed', detail: message });
      }
    });

    it('times out at the check deadline', async () => {
      fake.routes.set('/oauth2/v3/tokeninfo', () => {}); // never answered; close() ends the connection
      const e = await run(gmailCheck, { timeoutMs: 300 });
      expect(e.error).to.deep.equal({ code: 'timeout', message: 'no result within 300 ms', retryAfterSeconds: null });
      expect(e.durationMs).to.be.at.least(299); // the deadline's timer cannot fire sooner
    });

    it('fails without credentials', async () => {
      const e = await run(gmailCheck, { creds: null });
      expect(e.error).to.deep.equal({ code: 'invalid_config', message: 'no credentials', retryAfterSeconds: null });
    });

    it('tells connection failures apart', async () => {
      const refused = await refusedPort();
      const e = await runCheck({ integrationId: 'i', userId: 'u', provider: 'gmail', config: {}, checkIntervalSeconds: 60 }, gmailCheck, 'scheduled',
        { ...env(30_000, [refused.url]), endpoints: { googleApis: refused.url, slackApi: '' } }, { credentials: credentials() }).finally(() => refused.close());
      expect(e.error?.code).to.equal('connection_refused');
      expect(JSON.stringify(e)).not.to.contain(ACCESS);
    });
  });

  describe('google_calendar', () => {
    it('passes token, events_list and write_permission for an owner', async () => {
      const e = await run(calendarCheck);
      expect(e).to.include({ outcome: 'succeeded', httpStatus: 200 });
      expect(stepNames(e)).to.deep.equal(['token', 'events_list', 'write_permission']);
      expect(e.steps[2]?.detail).to.equal('access role owner');
    });

    it('reports a reader role as write_permission_missing', async () => {
      fake.state.role = 'reader';
      const e = await run(calendarCheck);
      expect(e.error).to.deep.equal({ code: 'write_permission_missing', message: 'access role reader on the primary calendar', retryAfterSeconds: null });
      expect(e.steps.at(-1)).to.include({ name: 'write_permission', outcome: 'failed' });
    });

    it('reports a missing calendar.events scope as write_permission_missing without asking the API', async () => {
      fake.state.googleScopes = [`${G}calendar.readonly`];
      const e = await run(calendarCheck);
      expect(e.error?.code).to.equal('write_permission_missing');
      expect(fake.auth.has('/calendar/v3/users/me/calendarList/primary')).to.equal(false);
    });

    it('reports a missing read scope at the token step', async () => {
      fake.state.googleScopes = [`${G}calendar.events`];
      const e = await run(calendarCheck);
      expect(e.error?.code).to.equal('scope_missing');
      expect(stepNames(e)).to.deep.equal(['token']);
    });

    it('maps a 5xx on events_list', async () => {
      fake.routes.set('/calendar/v3/calendars/primary/events', (_q, res) => send(res, 500, googleError(500, 'backendError')));
      const e = await run(calendarCheck);
      expect(e.error).to.include({ code: 'server_error', message: 'HTTP 500 backendError on events.list' });
    });
  });

  describe('slack', () => {
    it('passes auth_test and team_info; no socket_mode without an app token', async () => {
      const e = await run(slackCheck);
      expect(e).to.include({ outcome: 'succeeded', httpStatus: 200 });
      expect(stepNames(e)).to.deep.equal(['auth_test', 'team_info']);
      expect(e.steps[0]?.detail).to.equal('team T123');
    });

    it('opens Socket Mode with the app token and waits for hello', async () => {
      const e = await run(slackCheck, { creds: credentials({ appToken: APP }) });
      expect(e.outcome).to.equal('succeeded');
      expect(stepNames(e)).to.deep.equal(['auth_test', 'team_info', 'socket_mode']);
      expect(e.steps[2]?.detail).to.equal('hello received');
      expect(fake.auth.get('/api/apps.connections.open')).to.equal(`Bearer ${APP}`);
      expect(fake.auth.get('/api/auth.test')).to.equal(`Bearer ${ACCESS}`);
    });

    it('reports a socket that closes without hello as socket_mode_failed', async () => {
      fake.state.socket = 'no_hello';
      const e = await run(slackCheck, { creds: credentials({ appToken: APP }) });
      expect(e.error).to.deep.equal({ code: 'socket_mode_failed', message: 'WebSocket closed before hello (code 1001)', retryAfterSeconds: null });
    });

    it('reports a rejected app token as socket_mode_failed', async () => {
      const e = await run(slackCheck, { creds: credentials({ appToken: 'xapp-SECRET-wrong' }) });
      expect(e.error).to.include({ code: 'socket_mode_failed', message: 'invalid_auth on apps.connections.open' });
      expect(JSON.stringify(e)).not.to.contain('xapp-SECRET-wrong');
    });

    it('skips Socket Mode when the settings turn it off', async () => {
      const e = await run(slackCheck, { config: { socketMode: false }, creds: credentials({ appToken: APP }) });
      expect(stepNames(e)).to.deep.equal(['auth_test', 'team_info']);
    });

    it('compares the granted scopes with the required ones', async () => {
      fake.state.slackScopes = 'channels:read,chat:write';
      const e = await run(slackCheck);
      expect(e.error).to.include({ code: 'scope_missing', message: 'scope not granted: team:read' });
    });

    it('maps Slack {ok:false} errors', async () => {
      const cases: [string, string][] = [['invalid_auth', 'unauthorized'], ['not_authed', 'unauthorized'], ['account_inactive', 'unauthorized'],
        ['token_revoked', 'token_revoked'], ['token_expired', 'token_expired'], ['missing_scope', 'scope_missing'], ['fatal_error', 'provider_error']];
      for (const [error, code] of cases) {
        fake.routes.set('/api/team.info', (_q, res) => send(res, 200, { ok: false, error }));
        const e = await run(slackCheck);
        expect(e.error, error).to.deep.equal({ code, message: `${error} on team.info`, retryAfterSeconds: null });
        expect(e.steps.at(-1)).to.include({ name: 'team_info', outcome: 'failed' });
      }
    });

    it('names the scope Slack says is missing, but never echoes a token-shaped error', async () => {
      fake.routes.set('/api/team.info', (_q, res) => send(res, 200, { ok: false, error: 'missing_scope', needed: 'team:read' }));
      expect((await run(slackCheck)).error?.message).to.equal('missing_scope (needs team:read) on team.info');
      fake.routes.set('/api/team.info', (_q, res) => send(res, 200, { ok: false, error: ACCESS }));
      expect((await run(slackCheck)).error).to.include({ code: 'provider_error', message: 'unknown_error on team.info' });
    });

    it('maps rate limits, server errors and malformed bodies', async () => {
      const cases: [number, unknown, Record<string, string>, string, string, number | null][] = [
        [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '12' }, 'rate_limited', 'HTTP 429 on auth.test', 12],
        [200, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' }, 'rate_limited', 'ratelimited on auth.test', 7],
        [502, BODY, {}, 'server_error', 'HTTP 502 on auth.test', null],
        [200, BODY, {}, 'malformed_response', 'unexpected response body on auth.test', null],
      ];
      for (const [status, body, headers, code, message, retryAfterSeconds] of cases) {
        fake.routes.set('/api/auth.test', (_q, res) => send(res, status, body, headers));
        const e = await run(slackCheck);
        expect(e.error, message).to.deep.equal({ code, message, retryAfterSeconds });
        expect(e.httpStatus).to.equal(status);
      }
    });
  });

  describe('mcp', () => {
    let mcp: Awaited<ReturnType<typeof startMcp>>;
    before(async () => { mcp = await startMcp(); });
    after(async () => mcp.close());

    it('connects, initializes and lists tools, naming the server', async () => {
      const e = await run(mcpCheck, { config: { url: `${mcp.url}/mcp`, headers: { 'X-Tenant': 'acme' } }, creds: null });
      expect(e).to.include({ outcome: 'succeeded', httpStatus: 200, error: null });
      expect(stepNames(e)).to.deep.equal(['connect', 'initialize', 'list_tools']);
      expect(e.steps[1]?.detail).to.equal('sim-mcp-x 1.4.2');
      expect(e.steps[2]?.detail).to.equal('2 tools');
    });

    it('maps HTTP failures without copying the body', async () => {
      const cases: [string, string, string][] = [['/broken', 'server_error', 'HTTP 503 on initialize'], ['/auth', 'unauthorized', 'HTTP 401 on initialize'],
        ['/html', 'mcp_protocol_error', 'invalid response on initialize']];
      for (const [path, code, message] of cases) {
        const e = await run(mcpCheck, { config: { url: `${mcp.url}${path}` }, creds: null });
        expect(e.error, path).to.include({ code, message });
        expect(stepNames(e)).to.deep.equal(['connect', 'initialize']);
        expect(e.steps[1]?.outcome).to.equal('failed');
      }
    });

    it('fails at connect when nothing listens', async () => {
      const refused = await refusedPort();
      const e = await run(mcpCheck, { config: { url: `${refused.url}/mcp` }, creds: null }).finally(() => refused.close());
      expect(e.error?.code).to.equal('connection_refused');
      expect(e.steps).to.deep.include({ name: 'connect', outcome: 'failed', detail: 'connection refused', durationMs: e.steps[0]?.durationMs });
    });

    it('times out at the check deadline', async () => {
      const e = await run(mcpCheck, { config: { url: `${mcp.url}/slow` }, creds: null, timeoutMs: 300 });
      expect(e.error).to.deep.equal({ code: 'timeout', message: 'no result within 300 ms', retryAfterSeconds: null });
      expect(e.durationMs).to.be.at.least(299); // the deadline's timer cannot fire sooner
    });

    it('refuses settings that would carry credentials', () => {
      for (const config of [{ url: 'https://u:p@example.com/mcp' }, { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' } }, { url: 'ws://example.com' }]) {
        expect(mcpCheck.configSchema.safeParse(config).success, JSON.stringify(config)).to.equal(false);
      }
    });
  });
});

// Throwaway self-signed test certificates (P-256, CN=localhost): one valid until 2126, one that expired in 2020.
const validKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgr6QegkQ7JTuSWxHC
ZHn2egZFrvjmEe5/qrNATuC8xPShRANCAATrww3UkN9DIcnzZ0JBvvgdIQhj2fXR
5HfLYnw03S3VpSemRuOkZOgT/T7KOnKVs4PnoeYjnUatLVrrl32pbLxT
-----END PRIVATE KEY-----`;
const validCert = `-----BEGIN CERTIFICATE-----
MIIBfzCCASWgAwIBAgIUZ6DzxfDjC7lFXS2451dfWWpEKlowCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjE5MDEyOVoYDzIxMjYxMDI5
MTkwMTI5WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATrww3UkN9DIcnzZ0JBvvgdIQhj2fXR5HfLYnw03S3VpSemRuOkZOgT
/T7KOnKVs4PnoeYjnUatLVrrl32pbLxTo1MwUTAdBgNVHQ4EFgQUrV+cGDlfeM/y
8tcRhQ9SE+umzaIwHwYDVR0jBBgwFoAUrV+cGDlfeM/y8tcRhQ9SE+umzaIwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAhL3lA6ujoGpeG9Ks8KOzQ
AA9vKcIbIr6XDMs3bpYtfwIhAPOKjv3EMox9LcP86uvsslJVwWEXXc4GYaoPS7jj
PbmD
-----END CERTIFICATE-----`;
const expiredKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgI43edfg8FR220UQv
lgIycl/mlOtuJsE2vKGXAXKOYzmhRANCAASacQ+S3CKw+xd+xNgQ6KjjRxFPEfyJ
nMUY1NjC81F6Ly4Adz3fjzFOUMZWavgECTrFJHGqM4d2OSChXiUQ0qt5
-----END PRIVATE KEY-----`;
const expiredCert = `-----BEGIN CERTIFICATE-----
MIIBDzCBtgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwHhcN
MjAwMTAxMDAwMDAwWhcNMjAwMjAxMDAwMDAwWjAUMRIwEAYDVQQDDAlsb2NhbGhv
c3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASacQ+S3CKw+xd+xNgQ6KjjRxFP
EfyJnMUY1NjC81F6Ly4Adz3fjzFOUMZWavgECTrFJHGqM4d2OSChXiUQ0qt5MAoG
CCqGSM49BAMCA0gAMEUCIG4xZNRBCfAmV3hbmq6Hu4H28/Mn0EGJv/4jjEFTd62d
AiEAv7P/aFNetxHfp6wwnguuDvURxOY1P/hLvGrAuLIgTdc=
-----END CERTIFICATE-----`;

describe('HTTP check tls step', () => {
  async function httpsServer(key: string, cert: string): Promise<{ url: string; close(): Promise<void> }> {
    const server = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `https://localhost:${(server.address() as net.AddressInfo).port}/`,
      close: async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)); },
    };
  }
  const env = (url: string): CheckEnv => ({ timeoutMs: 30_000, endpoints: { googleApis: '', slackApi: '' }, network: openTo([url]), now: Date.now, monotonic: () => performance.now(), newId: randomUUID });
  const check = (url: string) => runCheck({ integrationId: 'i', userId: 'u', provider: 'http', config: { url }, checkIntervalSeconds: 60 }, httpCheck, 'scheduled', env(url));

  it('reports the days until the certificate expires, then the request verifies trust', async () => {
    const s = await httpsServer(validKey, validCert);
    try {
      const daysLeft = () => Math.floor((Date.parse('2126-10-29T19:01:29Z') - Date.now()) / 86_400_000);
      const before = daysLeft();
      const e = await check(s.url);
      const after = daysLeft(); // the same unless a day boundary passed meanwhile
      expect(e.steps[0]).to.include({ name: 'tls', outcome: 'succeeded' });
      expect(e.steps[0]?.detail).to.be.oneOf([...new Set([before, after])].map((d) => `certificate expires in ${d} days`));
      // Self-signed, so the real request refuses it.
      expect(e.steps[1]).to.include({ name: 'request', outcome: 'failed' });
      expect(e.error?.code).to.equal('tls_error');
    } finally { await s.close(); }
  });

  it('fails the tls step on an expired certificate', async () => {
    const s = await httpsServer(expiredKey, expiredCert);
    try {
      const e = await check(s.url);
      expect(stepNames(e)).to.deep.equal(['tls']);
      expect(e.error?.code).to.equal('tls_error');
      expect(e.error?.message).to.match(/^certificate expired \d+ days ago$/);
    } finally { await s.close(); }
  });

  const stepNames = (e: { steps: { name: string }[] }) => e.steps.map((s) => s.name);
});
