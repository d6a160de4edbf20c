// The provider simulator over real HTTP, WebSocket and MCP clients (no Pulse code).
import { expect } from 'chai';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttpTarget } from '../../simulator/httpTarget.js';
import { startSimulator, type Simulator } from '../../simulator/providerSimulator.js';
import { eventually } from '../support/signals.js';

const GMAIL = 'https://www.googleapis.com/auth/gmail.readonly';
const CAL_READ = 'https://www.googleapis.com/auth/calendar.readonly';
const CAL_EVENTS = 'https://www.googleapis.com/auth/calendar.events';

describe('provider simulator', () => {
  let sim: Simulator;
  before(async () => { sim = await startSimulator(); });
  after(async () => sim.close());

  const get = (path: string, token?: string, init: RequestInit = {}) =>
    fetch(sim.url + path, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) } });
  const post = (path: string, form: Record<string, string>, token?: string) =>
    fetch(sim.url + path, { method: 'POST', body: new URLSearchParams(form), headers: token ? { authorization: `Bearer ${token}` } : {} });
  const json = async (res: Response) => ({ status: res.status, headers: res.headers, body: (await res.json()) as any });
  const refreshGoogle = (refreshToken: string) => post('/token', { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'pulse-test', client_secret: 's' }).then(json);

  describe('Google', () => {
    it('serves the Gmail profile and message list with quota headers', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      expect(a.accessToken).to.match(/^ya29\.sim-/);
      expect(a.refreshToken).to.match(/^1\/\/sim-/);
      expect(a.scopes).to.deep.equal([GMAIL]);
      const profile = await json(await get('/gmail/v1/users/me/profile', a.accessToken));
      expect(profile.status).to.equal(200);
      expect(profile.body).to.include({ emailAddress: a.account });
      expect(profile.body).to.have.keys('emailAddress', 'messagesTotal', 'threadsTotal', 'historyId');
      expect(profile.headers.get('x-ratelimit-limit')).to.equal('1000');
      expect(Number(profile.headers.get('x-ratelimit-remaining'))).to.be.greaterThan(900);
      const list = await json(await get('/gmail/v1/users/me/messages?maxResults=1', a.accessToken));
      expect(list.body.messages).to.have.length(1);
      expect(list.body.messages[0]).to.have.keys('id', 'threadId');
      expect(list.body.resultSizeEstimate).to.be.a('number');
      expect(sim.requests(a.account)).to.deep.equal([
        { method: 'GET', path: '/gmail/v1/users/me/profile', status: 200 },
        { method: 'GET', path: '/gmail/v1/users/me/messages', status: 200 },
      ]);
    });

    it('serves Calendar events and the primary calendar, read-only under readOnlyCalendar', async () => {
      const a = sim.createAccount({ provider: 'google_calendar' });
      expect(a.scopes).to.deep.equal([CAL_READ, CAL_EVENTS]);
      const events = await json(await get('/calendar/v3/calendars/primary/events?maxResults=1', a.accessToken));
      expect(events.body).to.include({ kind: 'calendar#events' });
      expect(events.body.summary).to.be.a('string');
      expect(events.body.items).to.have.length(1);
      const entry = await json(await get('/calendar/v3/users/me/calendarList/primary', a.accessToken));
      expect(entry.body).to.include({ kind: 'calendar#calendarListEntry', accessRole: 'owner' });
      expect(entry.body.id).to.be.a('string');
      sim.setFaults(a.account, { readOnlyCalendar: true });
      expect((await json(await get('/calendar/v3/users/me/calendarList/primary', a.accessToken))).body.accessRole).to.equal('reader');
    });

    it('answers tokeninfo, and 400 Invalid Value for an unknown token', async () => {
      const created = Date.now();
      const a = sim.createAccount({ provider: 'google_calendar' });
      const before = Date.now();
      const info = await json(await get(`/oauth2/v3/tokeninfo?access_token=${encodeURIComponent(a.accessToken)}`));
      const after = Date.now();
      expect(info.status).to.equal(200);
      expect(info.body).to.include({ email: a.account, scope: `${CAL_READ} ${CAL_EVENTS}` });
      expect(info.body).to.include.keys('azp', 'aud', 'exp', 'expires_in');
      expect(Number(info.body.exp)).to.equal(Math.floor(a.expiresAt! / 1000));
      // Seconds left at the moment the simulator answered, which lies between before and after.
      expect(a.expiresAt).to.be.within(created + 3_600_000, before + 3_600_000); // a token lives an hour
      expect(Number(info.body.expires_in)).to.be.within(Math.floor((a.expiresAt! - after) / 1000), Math.floor((a.expiresAt! - before) / 1000));
      const bad = await json(await get('/oauth2/v3/tokeninfo?access_token=ya29.nope'));
      expect(bad.status).to.equal(400);
      expect(bad.body.error_description).to.equal('Invalid Value');
    });

    it('refresh issues a new access token and refuses the old one', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      const before = Date.now();
      const r = await refreshGoogle(a.refreshToken!);
      const after = Date.now();
      expect(r.status).to.equal(200);
      expect(r.body).to.include({ token_type: 'Bearer', scope: GMAIL });
      const expiresAt = sim.account(a.account)!.expiresAt!;
      expect(expiresAt - after).to.be.at.most(3_600_000); // a fresh token lives an hour from the refresh
      expect(expiresAt - before).to.be.at.least(3_600_000);
      expect(r.body.expires_in).to.be.within(Math.round((expiresAt - after) / 1000), Math.round((expiresAt - before) / 1000));
      expect(r.body.access_token).to.match(/^ya29\.sim-/).and.not.equal(a.accessToken);
      expect(sim.account(a.account)!.accessToken).to.equal(r.body.access_token);
      const old = await json(await get('/gmail/v1/users/me/profile', a.accessToken));
      expect(old.status).to.equal(401);
      expect(old.body.error).to.include({ code: 401, status: 'UNAUTHENTICATED' });
      expect(old.body.error.errors[0]).to.include({ reason: 'authError' });
      expect((await get('/gmail/v1/users/me/profile', r.body.access_token)).status).to.equal(200);
      expect((await get('/gmail/v1/users/me/profile', 'ya29.unknown')).status).to.equal(401);
    });

    it('expired: the access token is refused, a refresh works', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { unauthorized: 'expired' });
      expect((await get('/gmail/v1/users/me/profile', a.accessToken)).status).to.equal(401);
      const r = await refreshGoogle(a.refreshToken!);
      expect(r.status).to.equal(200);
      expect((await get('/gmail/v1/users/me/profile', r.body.access_token)).status).to.equal(200);
    });

    it('an access token past its expiry is refused', async () => {
      const a = sim.createAccount({ provider: 'gmail', accessTokenTtlSeconds: 0 });
      expect((await get('/gmail/v1/users/me/profile', a.accessToken)).status).to.equal(401);
      expect((await get(`/oauth2/v3/tokeninfo?access_token=${encodeURIComponent(a.accessToken)}`)).status).to.equal(400);
    });

    it('revoked: the access token is refused and refresh answers invalid_grant', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { unauthorized: 'revoked' });
      expect((await get('/gmail/v1/users/me/profile', a.accessToken)).status).to.equal(401);
      const r = await refreshGoogle(a.refreshToken!);
      expect(r.status).to.equal(400);
      expect(r.body).to.deep.equal({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    });

    it('missingScope: 403 insufficientPermissions and tokeninfo leaves the scope out', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { missingScope: GMAIL });
      const denied = await json(await get('/gmail/v1/users/me/profile', a.accessToken));
      expect(denied.status).to.equal(403);
      expect(denied.body.error).to.include({ code: 403, status: 'PERMISSION_DENIED' });
      expect(denied.body.error.errors[0]).to.include({ reason: 'insufficientPermissions' });
      const info = await json(await get(`/oauth2/v3/tokeninfo?access_token=${encodeURIComponent(a.accessToken)}`));
      expect(info.body.scope).to.equal('');
      const c = sim.createAccount({ provider: 'google_calendar' });
      sim.setFaults(c.account, { missingScope: CAL_EVENTS });
      const cInfo = await json(await get(`/oauth2/v3/tokeninfo?access_token=${encodeURIComponent(c.accessToken)}`));
      expect(cInfo.body.scope.split(' ')).to.deep.equal([CAL_READ]);
    });

    it('rateLimit: 429 RESOURCE_EXHAUSTED with Retry-After', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { rateLimit: { retryAfterSeconds: 7 } });
      const r = await json(await get('/gmail/v1/users/me/profile', a.accessToken));
      expect(r.status).to.equal(429);
      expect(r.headers.get('retry-after')).to.equal('7');
      expect(r.body.error).to.include({ code: 429, status: 'RESOURCE_EXHAUSTED' });
      expect(r.body.error.errors[0]).to.include({ reason: 'rateLimitExceeded' });
    });

    it('quotaNearLimit: the quota headers report at least 90 % used', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { quotaNearLimit: true });
      const r = await get('/gmail/v1/users/me/profile', a.accessToken);
      expect(r.status).to.equal(200);
      const limit = Number(r.headers.get('x-ratelimit-limit'));
      const remaining = Number(r.headers.get('x-ratelimit-remaining'));
      expect((limit - remaining) / limit).to.be.at.least(0.9);
    });

    it('serverError: the 5xx with backendError', async () => {
      const a = sim.createAccount({ provider: 'google_calendar' });
      sim.setFaults(a.account, { serverError: 503 });
      const r = await json(await get('/calendar/v3/calendars/primary/events?maxResults=1', a.accessToken));
      expect(r.status).to.equal(503);
      expect(r.body.error.errors[0]).to.include({ reason: 'backendError' });
      expect(sim.requests(a.account).at(-1)).to.deep.equal({ method: 'GET', path: '/calendar/v3/calendars/primary/events', status: 503 });
    });

    it('refuse: the connection closes without a response', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { refuse: true });
      const err = await get('/gmail/v1/users/me/profile', a.accessToken).then(() => null, (e: Error) => e);
      expect(err).to.be.instanceOf(TypeError);
      expect(sim.requests(a.account)).to.deep.equal([{ method: 'GET', path: '/gmail/v1/users/me/profile', status: 0 }]);
    });

    it('timeout: the request is never answered', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { timeout: true });
      const abort = new AbortController();
      let settled = false;
      const pending = get('/gmail/v1/users/me/profile', a.accessToken, { signal: abort.signal }).then(() => null, (e: Error) => e).finally(() => (settled = true));
      await eventually(async () => sim.requests(a.account).length === 1, 'the simulator to receive the request');
      // A later request, sent after the first arrived, is answered while the first still hangs.
      const b = sim.createAccount({ provider: 'gmail' });
      expect((await get('/gmail/v1/users/me/profile', b.accessToken)).status).to.equal(200);
      expect(settled, 'the first request was answered').to.equal(false);
      expect(sim.requests(a.account)).to.deep.equal([{ method: 'GET', path: '/gmail/v1/users/me/profile', status: 0 }]);
      abort.abort();
      expect((await pending)?.name).to.equal('AbortError');
    });

    it('malformed: 200 with a body that is not JSON', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { malformed: true });
      const r = await get('/gmail/v1/users/me/profile', a.accessToken);
      expect(r.status).to.equal(200);
      const text = await r.text();
      expect(() => JSON.parse(text)).to.throw(SyntaxError);
    });

    it('latencyMs delays the response at least that long, and {} clears faults', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { latencyMs: 250 });
      const started = performance.now();
      expect((await get('/gmail/v1/users/me/profile', a.accessToken)).status).to.equal(200);
      // A lower bound that follows from the injected delay (libuv counts whole milliseconds).
      expect(performance.now() - started).to.be.at.least(249);
      // With a latency far beyond the test's timeout, a request waits; {} lets the next one through at once.
      sim.setFaults(a.account, { latencyMs: 600_000, serverError: 503 });
      const abort = new AbortController();
      const waiting = get('/gmail/v1/users/me/profile', a.accessToken, { signal: abort.signal }).then(() => 'answered', () => 'aborted');
      await eventually(async () => sim.requests(a.account).length === 2, 'the simulator to receive the delayed request');
      sim.setFaults(a.account, {});
      expect((await get('/gmail/v1/users/me/profile', a.accessToken)).status).to.equal(200);
      abort.abort();
      expect(await waiting).to.equal('aborted');
    });

    it('authorize redirects back with code and state; the code exchange returns tokens', async () => {
      const q = new URLSearchParams({ client_id: 'pulse-test', redirect_uri: 'http://127.0.0.1:9/callback', scope: GMAIL, state: 'st-123', response_type: 'code', access_type: 'offline', prompt: 'consent' });
      const res = await fetch(`${sim.url}/o/oauth2/v2/auth?${q}`, { redirect: 'manual' });
      expect(res.status).to.equal(302);
      const to = new URL(res.headers.get('location')!);
      expect(to.origin + to.pathname).to.equal('http://127.0.0.1:9/callback');
      expect(to.searchParams.get('state')).to.equal('st-123');
      const code = to.searchParams.get('code')!;
      expect(code).to.be.a('string').that.is.not.empty;
      const t = await json(await post('/token', { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/callback', client_id: 'pulse-test', client_secret: 's' }));
      expect(t.status).to.equal(200);
      expect(t.body).to.include({ token_type: 'Bearer', scope: GMAIL });
      expect(t.body.access_token).to.match(/^ya29\.sim-/);
      expect(t.body.refresh_token).to.match(/^1\/\/sim-/);
      const profile = await json(await get('/gmail/v1/users/me/profile', t.body.access_token));
      expect(profile.status).to.equal(200);
      const info = await json(await get(`/oauth2/v3/tokeninfo?access_token=${encodeURIComponent(t.body.access_token)}`));
      expect(info.body).to.include({ aud: 'pulse-test', azp: 'pulse-test' });
      // a code is single-use
      const again = await json(await post('/token', { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/callback', client_id: 'pulse-test' }));
      expect(again.status).to.equal(400);
      expect(again.body.error).to.equal('invalid_grant');
    });

    it('reconnect with login_hint clears a revoked account and issues fresh tokens', async () => {
      const a = sim.createAccount({ provider: 'gmail' });
      sim.setFaults(a.account, { unauthorized: 'revoked', latencyMs: 1 });
      const q = new URLSearchParams({ client_id: 'pulse-test', redirect_uri: 'http://127.0.0.1:9/cb', scope: GMAIL, state: 's', response_type: 'code', login_hint: a.account });
      const code = new URL((await fetch(`${sim.url}/o/oauth2/v2/auth?${q}`, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
      const t = await json(await post('/token', { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/cb', client_id: 'pulse-test' }));
      expect(t.status).to.equal(200);
      expect(sim.account(a.account)).to.include({ accessToken: t.body.access_token, refreshToken: t.body.refresh_token });
      expect((await get('/gmail/v1/users/me/profile', t.body.access_token)).status).to.equal(200);
      expect((await refreshGoogle(t.body.refresh_token)).status).to.equal(200);
      expect((await refreshGoogle(a.refreshToken!)).body.error).to.equal('invalid_grant');
    });
  });

  describe('Slack', () => {
    it('auth.test answers the identity with x-oauth-scopes (GET and POST form)', async () => {
      const a = sim.createAccount({ provider: 'slack' });
      expect(a.accessToken).to.match(/^xoxb-sim-/);
      expect(a.refreshToken).to.match(/^xoxe-sim-/);
      expect(a.appToken).to.match(/^xapp-sim-/);
      const r = await json(await get('/api/auth.test', a.accessToken));
      expect(r.status).to.equal(200);
      expect(r.body).to.include({ ok: true });
      expect(r.body).to.include.keys('url', 'team', 'user', 'team_id', 'user_id', 'bot_id');
      expect(r.headers.get('x-oauth-scopes')!.split(',')).to.deep.equal(['channels:read', 'chat:write', 'team:read', 'users:read']);
      const viaForm = await json(await post('/api/auth.test', { token: a.accessToken }));
      expect(viaForm.body).to.include({ ok: true, team_id: r.body.team_id });
      const viaJson = await json(await fetch(`${sim.url}/api/auth.test`, { method: 'POST', headers: { authorization: `Bearer ${a.accessToken}`, 'content-type': 'application/json' }, body: '{}' }));
      expect(viaJson.body.ok).to.equal(true);
    });

    it('team.info answers the team; missingScope gives missing_scope and drops it from x-oauth-scopes', async () => {
      const a = sim.createAccount({ provider: 'slack' });
      const ok = await json(await post('/api/team.info', {}, a.accessToken));
      expect(ok.body.ok).to.equal(true);
      expect(ok.body.team).to.have.keys('id', 'name', 'domain', 'email_domain', 'icon');
      sim.setFaults(a.account, { missingScope: 'team:read' });
      const denied = await json(await post('/api/team.info', {}, a.accessToken));
      expect(denied.status).to.equal(200);
      expect(denied.body).to.include({ ok: false, error: 'missing_scope' });
      const auth = await json(await get('/api/auth.test', a.accessToken));
      expect(auth.body.ok).to.equal(true);
      expect(auth.headers.get('x-oauth-scopes')!.split(',')).to.not.include('team:read');
    });

    it('refuses unknown, revoked and expired tokens the way Slack does', async () => {
      expect((await json(await get('/api/auth.test', 'xoxb-nope'))).body).to.deep.equal({ ok: false, error: 'invalid_auth' });
      const a = sim.createAccount({ provider: 'slack' });
      sim.setFaults(a.account, { unauthorized: 'revoked' });
      expect((await json(await get('/api/auth.test', a.accessToken))).body.error).to.equal('token_revoked');
      const refresh = await json(await post('/api/oauth.v2.access', { grant_type: 'refresh_token', refresh_token: a.refreshToken!, client_id: 'c', client_secret: 's' }));
      expect(refresh.body.ok).to.equal(false);
      expect(refresh.body.error).to.be.oneOf(['invalid_grant', 'invalid_refresh_token']);
      const b = sim.createAccount({ provider: 'slack', accessTokenTtlSeconds: 0 });
      expect((await json(await get('/api/auth.test', b.accessToken))).body.error).to.equal('token_expired');
    });

    it('rateLimit: 429 with Retry-After and ratelimited; serverError: the 5xx', async () => {
      const a = sim.createAccount({ provider: 'slack' });
      sim.setFaults(a.account, { rateLimit: { retryAfterSeconds: 3 } });
      const r = await json(await get('/api/auth.test', a.accessToken));
      expect(r.status).to.equal(429);
      expect(r.headers.get('retry-after')).to.equal('3');
      expect(r.body).to.deep.equal({ ok: false, error: 'ratelimited' });
      sim.setFaults(a.account, { serverError: 500 });
      expect((await get('/api/auth.test', a.accessToken)).status).to.equal(500);
    });

    it('oauth.v2.access refresh rotates both tokens', async () => {
      const a = sim.createAccount({ provider: 'slack' });
      const r = await json(await post('/api/oauth.v2.access', { grant_type: 'refresh_token', refresh_token: a.refreshToken!, client_id: 'c', client_secret: 's' }));
      expect(r.body).to.include({ ok: true, token_type: 'bot' });
      expect(r.body.access_token).to.match(/^xoxb-sim-/).and.not.equal(a.accessToken);
      expect(r.body.refresh_token).to.match(/^xoxe-sim-/).and.not.equal(a.refreshToken);
      expect(r.body.team).to.have.keys('id', 'name');
      expect(r.body.scope.split(',')).to.include('team:read');
      expect((await json(await get('/api/auth.test', a.accessToken))).body.error).to.equal('invalid_auth');
      expect((await json(await get('/api/auth.test', r.body.access_token))).body.ok).to.equal(true);
      const reuse = await json(await post('/api/oauth.v2.access', { grant_type: 'refresh_token', refresh_token: a.refreshToken!, client_id: 'c' }));
      expect(reuse.body).to.deep.equal({ ok: false, error: 'invalid_refresh_token' });
    });

    it('authorize redirects back with code and state; oauth.v2.access exchanges the code', async () => {
      const q = new URLSearchParams({ client_id: 'c', scope: 'channels:read,team:read', redirect_uri: 'http://127.0.0.1:9/slack/cb', state: 'xyz' });
      const res = await fetch(`${sim.url}/slack/oauth/v2/authorize?${q}`, { redirect: 'manual' });
      expect(res.status).to.equal(302);
      const to = new URL(res.headers.get('location')!);
      expect(to.searchParams.get('state')).to.equal('xyz');
      const t = await json(await post('/api/oauth.v2.access', { code: to.searchParams.get('code')!, redirect_uri: 'http://127.0.0.1:9/slack/cb', client_id: 'c', client_secret: 's' }));
      expect(t.body).to.include({ ok: true, scope: 'channels:read,team:read' });
      expect(t.body.access_token).to.match(/^xoxb-sim-/);
      expect(t.body.refresh_token).to.match(/^xoxe-sim-/);
      expect(t.body.expires_in).to.be.a('number');
      const auth = await json(await get('/api/auth.test', t.body.access_token));
      expect(auth.body.team_id).to.equal(t.body.team.id);
    });

    describe('Socket Mode', () => {
      const open = async (appToken: string) => {
        const r = await json(await post('/api/apps.connections.open', {}, appToken));
        expect(r.body.ok, JSON.stringify(r.body)).to.equal(true);
        return r.body.url as string;
      };
      /**
       * The first message the socket sends, or null when none came before the pong to a ping
       * sent on open. The server greets in the same step that completes the upgrade, so a
       * hello is on the wire before the ping even reaches it: a pong first means no hello.
       */
      const firstMessage = (url: string) =>
        new Promise<{ opened: boolean; message: any }>((resolve, reject) => {
          const ws = new WebSocket(url);
          let opened = false;
          const done = (message: any) => { ws.terminate(); resolve({ opened, message }); };
          ws.on('open', () => { opened = true; ws.ping(); });
          ws.on('pong', () => done(null));
          ws.on('message', (data) => done(JSON.parse(String(data))));
          ws.on('error', reject);
        });

      it('apps.connections.open gives a URL whose socket says hello', async () => {
        const a = sim.createAccount({ provider: 'slack' });
        const url = await open(a.appToken!);
        expect(url).to.match(/^ws:\/\/127\.0\.0\.1:\d+\/slack\/socket\?ticket=/);
        const { opened, message } = await firstMessage(url);
        expect(opened).to.equal(true);
        expect(message).to.include({ type: 'hello', num_connections: 1 });
        expect(message.connection_info.app_id).to.be.a('string');
        expect(message.debug_info).to.be.an('object');
      });

      it('socketNoHello: the socket opens but says nothing', async () => {
        const a = sim.createAccount({ provider: 'slack' });
        sim.setFaults(a.account, { socketNoHello: true });
        const { opened, message } = await firstMessage(await open(a.appToken!));
        expect(opened).to.equal(true);
        expect(message).to.equal(null);
      });

      it('an unknown ticket is refused; the bot token cannot open connections', async () => {
        const err = await firstMessage(`${sim.url.replace('http', 'ws')}/slack/socket?ticket=nope`).then(() => null, (e: Error) => e);
        expect(err?.message).to.match(/401/);
        const a = sim.createAccount({ provider: 'slack' });
        expect((await json(await post('/api/apps.connections.open', {}, a.accessToken))).body.error).to.equal('not_allowed_token_type');
      });
    });
  });

  describe('MCP', () => {
    const connect = async (account: string) => {
      const client = new Client({ name: 'sim-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${sim.url}/mcp/${account}`)));
      return client;
    };

    it('initializes over Streamable HTTP and lists and calls tools', async () => {
      const a = sim.createAccount({ provider: 'mcp' });
      expect(a.scopes).to.deep.equal([]);
      const client = await connect(a.account);
      try {
        expect(client.getServerVersion()).to.deep.include({ name: `sim-mcp-${a.account}`, version: '1.4.2' });
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name).sort()).to.deep.equal(['fetch', 'search']);
        const result = await client.callTool({ name: 'search', arguments: { query: 'runbook' } });
        expect(JSON.stringify(result.content)).to.include('doc-1');
      } finally {
        await client.close();
      }
    });

    it('applies faults (5xx, malformed, latency) and 404s an unknown server', async () => {
      const a = sim.createAccount({ provider: 'mcp' });
      sim.setFaults(a.account, { serverError: 502 });
      let err = await connect(a.account).then(() => null, (e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      expect(sim.requests(a.account).at(-1)).to.include({ method: 'POST', status: 502 });
      sim.setFaults(a.account, { malformed: true });
      err = await connect(a.account).then(() => null, (e: Error) => e);
      expect(err).to.be.instanceOf(Error);
      sim.setFaults(a.account, { latencyMs: 150 });
      const started = performance.now();
      const client = await connect(a.account);
      expect(performance.now() - started).to.be.at.least(149);
      await client.close();
      expect((await fetch(`${sim.url}/mcp/nobody`, { method: 'POST' })).status).to.equal(404);
    });
  });

  describe('admin API', () => {
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${sim.url}/_sim${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

    it('creates accounts, reads tokens, sets and clears faults', async () => {
      const created = await json(await admin('POST', '/accounts', { provider: 'slack', account: 'admin-slack', scopes: ['chat:write'] }));
      expect(created.status).to.equal(201);
      expect(created.body).to.include({ account: 'admin-slack', provider: 'slack' });
      expect(created.body.scopes).to.deep.equal(['chat:write']);
      const read = await json(await admin('GET', '/accounts/admin-slack'));
      expect(read.body).to.deep.equal(sim.account('admin-slack'));
      expect((await admin('PUT', '/accounts/admin-slack/faults', { unauthorized: 'revoked' })).status).to.equal(204);
      expect((await json(await get('/api/auth.test', created.body.accessToken))).body.error).to.equal('token_revoked');
      expect((await admin('DELETE', '/accounts/admin-slack/faults')).status).to.equal(204);
      expect((await json(await get('/api/auth.test', created.body.accessToken))).body.ok).to.equal(true);
      expect((await admin('POST', '/accounts', { provider: 'slack', account: 'admin-slack' })).status).to.equal(409);
      expect((await admin('GET', '/accounts/nobody')).status).to.equal(404);
    });

    it('validates bodies and names the bad field', async () => {
      sim.createAccount({ provider: 'gmail', account: 'admin-gmail@example.com' });
      const bad = await json(await admin('PUT', '/accounts/admin-gmail@example.com/faults', { latencyMs: 'slow' }));
      expect(bad.status).to.equal(400);
      expect(bad.body.message).to.include('latencyMs');
      const nested = await json(await admin('PUT', '/accounts/admin-gmail@example.com/faults', { rateLimit: {} }));
      expect(nested.status).to.equal(400);
      expect(nested.body.message).to.include('rateLimit.retryAfterSeconds');
      const unknown = await json(await admin('PUT', '/accounts/admin-gmail@example.com/faults', { slow: true }));
      expect(unknown.status).to.equal(400);
      expect(unknown.body.message).to.include('slow');
      const provider = await json(await admin('POST', '/accounts', { provider: 'teams' }));
      expect(provider.status).to.equal(400);
      expect(provider.body.message).to.include('provider');
      expect(() => sim.setFaults('admin-gmail@example.com', { serverError: 200 })).to.throw(/serverError/);
    });
  });

  it('close() ends requests left hanging by the timeout fault', async () => {
    const own = await startSimulator();
    const a = own.createAccount({ provider: 'gmail' });
    own.setFaults(a.account, { timeout: true });
    const pending = fetch(`${own.url}/gmail/v1/users/me/profile`, { headers: { authorization: `Bearer ${a.accessToken}` } }).then(() => 'answered', () => 'failed');
    await eventually(async () => own.requests(a.account).length === 1, 'the simulator to receive the request');
    // close() waits for open connections: it returns only because it ended the hanging one.
    await own.close();
    expect(await pending).to.equal('failed');
  });
});

describe('the plain HTTP target', () => {
  it('rejects a port that is taken (so the demo can fall back to another) instead of crashing the process', async () => {
    const first = await startHttpTarget();
    try {
      const port = Number(new URL(first.url).port);
      let error: (Error & { code?: string }) | undefined;
      await startHttpTarget(port).then((second) => second.close(), (err: Error) => { error = err; });
      expect(error?.code).to.equal('EADDRINUSE');
    } finally {
      await first.close();
    }
  });
});
