import { expect } from 'chai';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { createAdminSessions, endAdminSessionsInTx } from '../../api/adminSessions.js';
import { startRealtime } from '../../api/realtime/server.js';
import { inTransaction } from '../../platform/db.js';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { adminSession, createTestAdmin, type AdminCall } from '../support/adminSession.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

/** A WebSocket client that records frames and its close; `next` waits for the next matching frame. */
class Socket {
  readonly frames: any[] = [];
  closed: { code: number; reason: string } | null = null;
  private cursor = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString())));
    ws.on('close', (code, reason) => void (this.closed = { code, reason: reason.toString() }));
    ws.on('error', () => undefined);
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<Socket> {
    const ws = new WebSocket(url, { headers });
    const s = new Socket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(s));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }

  send(frame: unknown) {
    this.ws.send(JSON.stringify(frame));
  }

  next(pred: (f: any) => boolean, what: string, timeoutMs = 20_000): Promise<any> {
    return eventually(async () => {
      const i = this.frames.findIndex((f, k) => k >= this.cursor && pred(f));
      if (i < 0) return undefined;
      this.cursor = i + 1;
      return this.frames[i];
    }, what, timeoutMs, 20);
  }

  /**
   * Every frame the server queued for this socket before now has arrived: a pong is queued
   * behind them (health frames are written as they come while the socket keeps up).
   */
  async settled(): Promise<any[]> {
    this.send({ type: 'ping' });
    await this.next((f) => f.type === 'pong', 'pong');
    return this.frames.filter((f) => f.type !== 'pong');
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => { this.ws.once('close', () => resolve()); this.ws.close(); });
  }
}

const healthOf = (id: string) => (f: any) => f.type === 'health' && f.integration.integrationId === id;

describe('admin real-time subscriptions (/api/admin/ws)', function () {
  this.timeout(120_000);
  // Admin scopes cover every integration of the database: its own database and topics, so
  // other suites' integrations neither fill the snapshots nor push frames here.
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let target: HttpTarget;
  const sockets: Socket[] = [];
  let aliceId: string;
  let bobId: string;
  let alice: string;
  /** A session the tests that do not end sessions share (logging in hashes a password: slow on a busy machine). */
  let shared: AdminCall;
  let adminUrl: string;
  let userUrl: string;

  const openAdmin = async (admin: AdminCall, headers: Record<string, string> = {}) => {
    const s = await Socket.open(adminUrl, { cookie: admin.cookie, ...headers });
    sockets.push(s);
    return s;
  };
  const openUser = async (token: string) => {
    const s = await Socket.open(`${userUrl}?token=${token}`);
    sockets.push(s);
    return s;
  };
  const status = (promise: Promise<Socket>) => promise.then((s) => (sockets.push(s), 101), (e) => e.status);
  /** Checked once when connected, then hourly: every later frame for it comes from a manual check. */
  const connect = async (token: string, name: string) => {
    const created = await pulse.api('POST', '/api/integrations', {
      token, body: { provider: 'http', displayName: name, config: { url: `${target.url}/${name}` }, checkIntervalSeconds: 3600 },
    });
    expect(created.status).to.equal(202);
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${created.body.id}/health`, { token })).body?.checkCount === 1, `${name} checked`, 45_000);
    return created.body.id as string;
  };
  /** A manual check, waiting out the (shortened) rate limit if an earlier test just checked it. */
  const checkNow = (token: string, id: string) =>
    eventually(async () => (await pulse.api('POST', `/api/integrations/${id}/health/check`, { token })).status === 202, 'a manual check accepted');

  before(async () => {
    target = await startHttpTarget();
    env = await ownEnvironment('admin-realtime', { MANUAL_CHECK_BURST_SECONDS: '1' });
    pulse = await startPulse({ overrides: env.overrides, reach: [target.url] });
    adminUrl = `${pulse.apiUrl.replace(/^http/, 'ws')}/api/admin/ws`;
    userUrl = `${pulse.apiUrl.replace(/^http/, 'ws')}/ws`;
    alice = pulse.tokenFor('art-alice');
    [aliceId, bobId] = await Promise.all([connect(alice, 'art-alice'), connect(pulse.tokenFor('art-bob'), 'art-bob')]);
    shared = await adminSession(pulse);
  });
  after(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await pulse?.stop();
    await target?.close();
    await env?.drop();
  });

  it("pushes every user's checks to an admin subscribed to all, and only its provider's to a provider subscription", async () => {
    const admin = shared;
    const [everything, http, gmail] = [await openAdmin(admin), await openAdmin(admin), await openAdmin(admin)];
    everything.send({ type: 'subscribe', scope: 'all' });
    http.send({ type: 'subscribe', provider: 'http' });
    gmail.send({ type: 'subscribe', provider: 'gmail' });
    const snap = await everything.next((f) => f.type === 'snapshot', 'snapshot of all');
    expect(snap).to.include({ limit: 500, truncated: false });
    expect(snap.integrations.map((i: any) => i.integrationId)).to.include.members([aliceId, bobId]);
    expect((await http.next((f) => f.type === 'snapshot', 'snapshot of http')).integrations.map((i: any) => i.integrationId)).to.include.members([aliceId, bobId]);
    expect((await gmail.next((f) => f.type === 'snapshot', 'snapshot of gmail')).integrations.filter((i: any) => i.provider !== 'gmail')).to.deep.equal([]);

    await checkNow(alice, aliceId);
    const frame = await everything.next((f) => healthOf(aliceId)(f) && f.integration.checkCount === 2, "alice's manual check on the admin's all socket");
    expect(frame.integration).to.include({ provider: 'http', displayName: 'art-alice', status: 'green' });
    await http.next((f) => healthOf(aliceId)(f) && f.integration.checkCount === 2, "alice's manual check on the http socket");
    expect((await gmail.settled()).filter((f) => f.type !== 'snapshot')).to.deep.equal([]);
  });

  it('caps the snapshot of a scope and says so', async () => {
    // Two integrations exist at least; a cap of one must cut it short (the cap is the same code path as 500).
    const { recentlyChanged } = await import('../../api/realtime/adminReads.js');
    const capped = await recentlyChanged(pulse.rt.db, '/docs', { kind: 'all' }, null, 1);
    expect(capped.rows).to.have.length(1);
    expect(capped.truncated).to.equal(true);
    const all = await recentlyChanged(pulse.rt.db, '/docs', { kind: 'provider', provider: 'http' }, null);
    expect(all.truncated).to.equal(false);
    const versions = all.rows.map((r) => r.version);
    expect(versions).to.deep.equal([...versions].sort((a, b) => b - a)); // most recently changed first
  });

  it('resumes an admin scope: what changed while away', async () => {
    const admin = shared;
    const first = await openAdmin(admin);
    first.send({ type: 'subscribe', scope: 'all' });
    const snap = await first.next((f) => f.type === 'snapshot', 'snapshot');
    await first.close();
    await checkNow(pulse.tokenFor('art-bob'), bobId);
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${bobId}/health`, { token: pulse.tokenFor('art-bob') })).body.checkCount >= 2, "bob's check");
    const again = await openAdmin(admin);
    again.send({ type: 'resume', since: snap.version, scope: 'all' });
    const resumed = await again.next((f) => f.type === 'snapshot', 'resume snapshot');
    expect(resumed.integrations.map((i: any) => i.integrationId)).to.include(bobId);
    expect(resumed.version).to.be.greaterThan(snap.version);
  });

  it('keeps users and admins apart: scopes, doors and frames', async () => {
    const admin = shared;
    // A user token never opens the admin door, an admin cookie never opens the user's.
    expect(await status(Socket.open(`${adminUrl}?token=${alice}`))).to.equal(401);
    expect(await status(Socket.open(adminUrl, { authorization: `Bearer ${alice}` }))).to.equal(401);
    expect(await status(Socket.open(userUrl, { cookie: admin.cookie }))).to.equal(401);
    expect(await status(Socket.open(adminUrl))).to.equal(401);

    const user = await openUser(alice);
    user.send({ type: 'subscribe', scope: 'all' });
    expect(await user.next((f) => f.type === 'error', 'refusal')).to.include({ code: 'forbidden' });
    user.send({ type: 'subscribe', provider: 'http' });
    expect(await user.next((f) => f.type === 'error', 'refusal')).to.include({ code: 'forbidden' });
    user.send({ type: 'resume', since: 0, scope: 'all' });
    expect(await user.next((f) => f.type === 'error', 'refusal')).to.include({ code: 'forbidden' });

    const adminSocket = await openAdmin(admin);
    adminSocket.send({ type: 'subscribe', all: true }); // a user scope: "all of mine"
    expect(await adminSocket.next((f) => f.type === 'error', 'refusal')).to.include({ code: 'forbidden' });

    // Refused means not subscribed: bob's next check reaches an admin watching it explicitly, and neither of these.
    const watcher = await openAdmin(admin);
    watcher.send({ type: 'subscribe', integrationIds: [bobId] }); // admins may watch any integration
    const snap = await watcher.next((f) => f.type === 'snapshot' && f.integrations.length === 1, 'snapshot');
    await checkNow(pulse.tokenFor('art-bob'), bobId);
    await watcher.next((f) => healthOf(bobId)(f) && f.integration.checkCount > snap.integrations[0].checkCount, "bob's check on the admin's explicit subscription");
    expect((await user.settled()).filter((f) => f.type !== 'error')).to.deep.equal([]);
    expect((await adminSocket.settled()).filter((f) => f.type !== 'error')).to.deep.equal([]);
  });

  it('refuses the admin cookie from a foreign Origin (cross-site WebSocket hijacking)', async () => {
    const admin = shared;
    expect(await status(Socket.open(adminUrl, { cookie: admin.cookie, origin: 'https://evil.example' }))).to.equal(403);
    expect(await status(Socket.open(adminUrl, { cookie: admin.cookie, origin: 'null' }))).to.equal(403);
    expect(await status(Socket.open(adminUrl, { cookie: admin.cookie, origin: pulse.apiUrl }))).to.equal(101);
  });

  it("closes every socket of an admin who logs out (4401), and nobody else's", async () => {
    const creds = await createTestAdmin(pulse);
    const [a, b, other] = [await adminSession(pulse, creds), await adminSession(pulse, creds), shared];
    const [sa, sb, so] = [await openAdmin(a), await openAdmin(b), await openAdmin(other)];
    const user = await openUser(alice);
    for (const s of [sa, sb, so]) s.send({ type: 'subscribe', scope: 'all' });
    user.send({ type: 'subscribe', all: true });
    await Promise.all([sa, sb, so, user].map((s) => s.next((f) => f.type === 'snapshot', 'snapshot')));

    expect((await a('DELETE', '/api/admin/session')).status).to.equal(204);
    for (const s of [sa, sb]) expect(await eventually(async () => s.closed, 'socket closed')).to.deep.equal({ code: 4401, reason: 'session ended' });
    await so.settled();
    await user.settled();
    expect(so.closed).to.equal(null);
    expect(user.closed).to.equal(null);
    // And the cookie no longer opens a socket.
    expect(await status(Socket.open(adminUrl, { cookie: a.cookie }))).to.equal(401);
  });

  it('closes the sockets of an admin who changes password', async () => {
    const creds = await createTestAdmin(pulse);
    const admin = await adminSession(pulse, creds);
    const s = await openAdmin(admin);
    const user = await openUser(alice);
    const res = await admin('POST', '/api/admin/password', { body: { current: creds.password, next: `${creds.password}-next` } });
    expect(res.status).to.equal(204);
    expect(await eventually(async () => s.closed, 'socket closed')).to.deep.equal({ code: 4401, reason: 'session ended' });
    await user.settled();
    expect(user.closed).to.equal(null);
  });

  it('closes them when the sessions end elsewhere (another API instance, the CLI): via LISTEN', async () => {
    const admin = await adminSession(pulse);
    const s = await openAdmin(admin);
    const { rows } = await pulse.rt.db.query('SELECT id FROM admin_accounts WHERE email = $1', [admin.email]);
    // What `pulse admin set-password` does: the transaction NOTIFYs; nothing is emitted in this process.
    await inTransaction(pulse.rt.db, (tx) => endAdminSessionsInTx(tx, rows[0].id));
    expect(await eventually(async () => s.closed, 'socket closed')).to.deep.equal({ code: 4401, reason: 'session ended' });
  });
});

describe('admin sockets whose session expires', function () {
  this.timeout(60_000); // four password hashes: slow on a busy machine

  it('are closed on the next heartbeat once the session idles out or expires', async () => {
    const pulse = await startPulse({ roles: [] });
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { config } = pulse.rt;
    const sessions = createAdminSessions(pulse.rt.db, { ...config.adminAuth, csrfKey: config.auth.jwtSecret });
    // Counts the heartbeat's session re-checks (they never overlap), to wait for them rather than for time.
    let rechecks = 0;
    const adminSessions: typeof sessions = { ...sessions, stillLive: (ids) => sessions.stillLive(ids).finally(() => void rechecks++) };
    const realtime = await startRealtime({
      server, db: pulse.rt.db, databaseUrl: config.databaseUrl, jwtSecret: config.auth.jwtSecret, docsBaseUrl: '/docs', log: pulse.rt.log, heartbeatMs: 150,
      access: { adminSessions, origins: [], clientOf: (req) => ({ ip: req.socket.remoteAddress ?? '', host: req.headers.host }) },
    });
    // Log in through a real API (same database), then connect to the bare realtime server.
    const api = await startPulse({ roles: ['api'] });
    const sockets: Socket[] = [];
    try {
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/admin/ws`;
      const creds = await createTestAdmin(api); // three sessions of one admin
      const [idle, expired, fresh] = [await adminSession(api, creds), await adminSession(api, creds), await adminSession(api, creds)];
      for (const admin of [idle, expired, fresh]) sockets.push(await Socket.open(url, { cookie: admin.cookie }));
      const idOf = (a: AdminCall) => createHash('sha256').update(a.cookie.split('=')[1] as string).digest('hex');
      await pulse.rt.db.query(`UPDATE admin_sessions SET last_seen_at = now() - interval '31 minutes' WHERE id = $1`, [idOf(idle)]);
      await pulse.rt.db.query(`UPDATE admin_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [idOf(expired)]);
      for (const s of sockets.slice(0, 2)) expect(await eventually(async () => s.closed, 'closed', 5_000)).to.deep.equal({ code: 4401, reason: 'session expired' });
      // Several heartbeats later the live one is still open, and was not kept alive by them.
      const before = (await pulse.rt.db.query('SELECT last_seen_at FROM admin_sessions WHERE id = $1', [idOf(fresh)])).rows[0].last_seen_at;
      // Of three more re-checks, the second starts after this line (once the first is done) and has dealt with the sockets before the third starts.
      const seen = rechecks;
      await eventually(async () => rechecks >= seen + 3, 'three more session re-checks', 5_000);
      await sockets[2]?.settled(); // a close sent by those re-checks would have come before this pong
      expect(sockets[2]?.closed).to.equal(null);
      const after = (await pulse.rt.db.query('SELECT last_seen_at FROM admin_sessions WHERE id = $1', [idOf(fresh)])).rows[0].last_seen_at;
      expect(after.getTime()).to.equal(before.getTime());
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await api.stop();
      await realtime.stop();
      server.close();
      await pulse.stop();
    }
  });
});
