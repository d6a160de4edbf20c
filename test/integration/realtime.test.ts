import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import jwt from 'jsonwebtoken';
import { Outbox, type Sink } from '../../api/realtime/coalescer.js';
import { startRealtime } from '../../api/realtime/server.js';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { caughtUp } from '../support/signals.js';

/** A test WebSocket client that records every frame and waits for the next one matching. */
class Client {
  readonly frames: any[] = [];
  readonly raw: string[] = [];
  private cursor = 0;
  closed: { code: number } | null = null;
  /** Pings received from the server (heartbeats). */
  pings = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.raw.push(data.toString());
      this.frames.push(JSON.parse(data.toString()));
    });
    ws.on('ping', () => void this.pings++);
    ws.on('close', (code) => void (this.closed = { code }));
    ws.on('error', () => undefined);
  }

  static open(url: string, opts: { protocols?: string[]; autoPong?: boolean } = {}): Promise<Client> {
    const ws = new WebSocket(url, opts.protocols ?? [], { autoPong: opts.autoPong ?? true });
    const client = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
      ws.once('error', reject);
    });
  }

  send(frame: unknown) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame after the previous match that satisfies `pred`. */
  async next(pred: (f: any) => boolean, what: string, timeoutMs = 30_000): Promise<any> {
    return eventually(async () => {
      const i = this.frames.findIndex((f, k) => k >= this.cursor && pred(f));
      if (i < 0) return undefined;
      this.cursor = i + 1;
      return this.frames[i];
    }, what, timeoutMs, 20);
  }

  /**
   * Every frame the server queued for this socket before now has arrived: a pong is queued
   * behind them. Moves the cursor past the pong.
   */
  async settled(): Promise<void> {
    this.send({ type: 'ping' });
    await this.next((f) => f.type === 'pong', 'pong');
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => { this.ws.once('close', () => resolve()); this.ws.close(); });
  }
}

describe('real-time health over WebSocket (/ws)', function () {
  this.timeout(90_000);
  const logs: string[] = [];
  const clients: Client[] = [];
  // Its own database and topics: the LISTEN test kills every realtime listener of the database.
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let target: HttpTarget;
  let alice: string;
  let bob: string;
  let aliceId: string;
  let bobId: string;
  /** Alice's, checked once when connected, then hourly: it changes only when a test renames it. */
  let marker: string;
  let markers = 0;
  let wsUrl: string;

  const open = async (query = `?token=${alice}`, opts: Parameters<typeof Client.open>[1] = {}) => {
    const c = await Client.open(`${wsUrl}${query}`, opts);
    clients.push(c);
    return c;
  };
  const connect = async (token: string, name: string) => {
    const created = await pulse.api('POST', '/api/integrations', {
      token, body: { provider: 'http', displayName: name, config: { url: `${target.url}/${name}` }, checkIntervalSeconds: 1 },
    });
    expect(created.status).to.equal(202);
    const id = created.body.id as string;
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${id}/health`, { token })).body?.status === 'green', `${name} green`);
    return id;
  };
  const checkCountOf = async (token: string, id: string) => (await pulse.api('GET', `/api/integrations/${id}/health`, { token })).body.checkCount as number;
  /** Waits until each of these (checked every second) has a check committed after this call. */
  const checkedAgain = async (token: string, ids: string[]) => {
    const counts = await Promise.all(ids.map((id) => checkCountOf(token, id)));
    await Promise.all(ids.map((id, i) => eventually(async () => (await checkCountOf(token, id)) > (counts[i] as number), `a new check of ${id}`)));
  };
  /**
   * Proof that nothing else is on its way to these clients (each subscribed to the marker): renames
   * the marker and waits for that frame, then for a pong behind it. Whatever was committed before
   * this call was NOTIFYed before the rename (notifications arrive in commit order), so it went
   * through the fan-out before the marker did, and anything it sent to `c` came before the pong.
   */
  const marked = async (...cs: Client[]) => {
    const name = `rt-marker-${++markers}`;
    expect((await pulse.api('PATCH', `/api/integrations/${marker}`, { token: alice, body: { displayName: name } })).status).to.equal(202);
    for (const c of cs) {
      await c.next((f) => f.type === 'health' && f.integration.integrationId === marker && f.integration.displayName === name, `the marker ${name}`);
      await c.settled();
    }
  };
  const subscribeToMarker = async (c: Client) => {
    c.send({ type: 'subscribe', integrationIds: [marker] });
    await c.next((f) => f.type === 'snapshot' && f.integrations.length === 1 && f.integrations[0].integrationId === marker, 'the marker\'s snapshot');
  };
  const aboutOtherThanMarker = (f: any) => (f.type === 'health' && f.integration.integrationId !== marker) || f.type === 'removed'
    || (f.type === 'snapshot' && f.integrations.some((i: any) => i.integrationId !== marker));

  before(async () => {
    target = await startHttpTarget();
    env = await ownEnvironment('realtime');
    pulse = await startPulse({ overrides: env.overrides, reach: [target.url], logs: { level: 'debug', destination: new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }) } });
    wsUrl = `${pulse.apiUrl.replace(/^http/, 'ws')}/ws`;
    const run = randomBytes(3).toString('hex');
    alice = pulse.tokenFor(`rt-alice-${run}`);
    bob = pulse.tokenFor(`rt-bob-${run}`);
    const created = await pulse.api('POST', '/api/integrations', {
      token: alice, body: { provider: 'http', displayName: 'rt-marker-0', config: { url: `${target.url}/rt-marker` }, checkIntervalSeconds: 3600 },
    });
    marker = created.body.id as string;
    [aliceId, bobId] = await Promise.all([connect(alice, 'rt-alice-1'), connect(bob, 'rt-bob-1')]);
    await eventually(async () => (await checkCountOf(alice, marker)) === 1, 'the marker checked');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await pulse?.stop();
    await target?.close();
    await env?.drop();
  });

  it('answers a subscribe with a snapshot, then pushes a frame as each check completes', async () => {
    const c = await open();
    c.send({ type: 'subscribe', integrationIds: [aliceId] });
    const snap = await c.next((f) => f.type === 'snapshot', 'snapshot');
    expect(snap.integrations).to.have.length(1);
    const view = snap.integrations[0];
    expect(view).to.have.all.keys('integrationId', 'provider', 'displayName', 'status', 'lastCheckedAt', 'lastSuccessAt',
      'consecutiveFailures', 'latencyMs', 'error', 'nextCheckAt', 'checkCount', 'reauthRequired');
    expect(view).to.include({ integrationId: aliceId, status: 'green', reauthRequired: false });
    expect(snap.version).to.equal(Date.parse(view.lastCheckedAt));

    const h = await c.next((f) => f.type === 'health' && f.integration.checkCount > view.checkCount, 'a health frame after the next check');
    expect(h.integration.integrationId).to.equal(aliceId);
    expect(h.version).to.be.greaterThan(snap.version);
    const rest = await pulse.api('GET', `/api/integrations/${aliceId}/health`, { token: alice });
    const { reconnectUrl, ...restView } = rest.body;
    expect(reconnectUrl).to.equal(null);
    expect(Object.keys(h.integration).sort()).to.deep.equal(Object.keys(restView).sort());

    // How fast a check reaches the socket is measured by `npm run bench:realtime`.
    target.set('rt-alice-1', { status: 503 });
    const bad = await c.next((f) => f.type === 'health' && ['yellow', 'red'].includes(f.integration.status), 'yellow or red');
    expect(bad.integration).to.include({ integrationId: aliceId });
    expect(bad.integration.error.code).to.equal('server_error');
    target.set('rt-alice-1', { status: 200 });
    await c.next((f) => f.type === 'health' && f.integration.status === 'green', 'green again');
  });

  it('with `all`, sends every integration of the user, including one connected later', async () => {
    const c = await open();
    c.send({ type: 'subscribe', all: true });
    const snap = await c.next((f) => f.type === 'snapshot', 'snapshot');
    expect(snap.integrations.map((i: any) => i.integrationId)).to.have.members([aliceId, marker]);
    const later = await connect(alice, 'rt-alice-2');
    await c.next((f) => f.type === 'health' && f.integration.integrationId === later, 'the new integration');
    await c.next((f) => f.type === 'health' && f.integration.integrationId === aliceId, 'the first one still');
    c.send({ type: 'unsubscribe', all: true });
    await c.settled(); // frames are handled in order: unsubscribed from here on
    const seen = c.frames.length;
    // Both are checked every second: checks committed after the unsubscribe must not come.
    await checkedAgain(alice, [aliceId, later]);
    await subscribeToMarker(c);
    await marked(c);
    expect(c.frames.slice(seen).filter(aboutOtherThanMarker)).to.deep.equal([]);
  });

  it('pushes a rename, and tells subscribers when an integration is deleted', async () => {
    const doomed = await connect(alice, 'rt-alice-doomed');
    const [explicit, everything] = [await open(), await open()];
    explicit.send({ type: 'subscribe', integrationIds: [doomed] });
    everything.send({ type: 'subscribe', all: true });
    await Promise.all([explicit, everything].map((c) => c.next((f) => f.type === 'snapshot', 'snapshot')));
    expect((await pulse.api('PATCH', `/api/integrations/${doomed}`, { token: alice, body: { displayName: 'renamed' } })).status).to.equal(202);
    for (const c of [explicit, everything]) await c.next((f) => f.type === 'health' && f.integration.displayName === 'renamed', 'the new name');
    expect((await pulse.api('DELETE', `/api/integrations/${doomed}`, { token: alice })).status).to.equal(202);
    for (const c of [explicit, everything]) {
      expect(await c.next((f) => f.type === 'removed', 'removed')).to.deep.equal({ type: 'removed', integrationIds: [doomed] });
    }
    // Whatever checks of it were produced meanwhile have been projected; then nothing more of it came.
    await caughtUp(pulse.rt, { projection: 'integration_health' }, [pulse.rt.topics.checks]);
    await subscribeToMarker(explicit);
    await marked(explicit, everything);
    const removedAt = explicit.frames.findIndex((f) => f.type === 'removed');
    expect(explicit.frames.slice(0, removedAt).filter((f) => f.type === 'health').slice(-1)[0]?.integration.displayName).to.equal('renamed');
    expect(explicit.frames.slice(removedAt + 1).filter(aboutOtherThanMarker)).to.deep.equal([]);
    expect(everything.frames.slice(everything.frames.findIndex((f) => f.type === 'removed') + 1).filter((f) => f.integration?.integrationId === doomed)).to.deep.equal([]);
  });

  it('refuses another user\'s integration like an unknown one, and never sends it', async () => {
    const c = await open();
    const unknown = '00000000-0000-4000-8000-000000000000';
    c.send({ type: 'subscribe', integrationIds: [bobId, unknown, aliceId] });
    const snap = await c.next((f) => f.type === 'snapshot', 'snapshot');
    expect(snap.integrations.map((i: any) => i.integrationId)).to.deep.equal([aliceId]);
    const err = await c.next((f) => f.type === 'error', 'error');
    expect(err).to.deep.include({ code: 'not_found', integrationIds: [bobId, unknown] });
    await c.next((f) => f.type === 'health' && f.integration.integrationId === aliceId, 'alice\'s own updates');
    await subscribeToMarker(c);
    await checkedAgain(bob, [bobId]); // bob's integration is checked every second
    await marked(c);
    expect(c.raw.join('\n')).not.to.contain(`"integrationId":"${bobId}"`);
    expect(c.frames.filter((f) => f.type === 'health').every((f) => [aliceId, marker].includes(f.integration.integrationId))).to.equal(true);
  });

  it('rejects the upgrade with 401 without a valid user token, and accepts one in Sec-WebSocket-Protocol', async () => {
    const status = (q: string, protocols?: string[]) => Client.open(`${wsUrl}${q}`, { protocols }).then(() => 101, (e) => e.status);
    expect(await status('')).to.equal(401);
    expect(await status('?token=not-a-jwt')).to.equal(401);
    expect(await status(`?token=${alice}x`)).to.equal(401);
    const adminAudience = jwt.sign({}, pulse.rt.config.auth.jwtSecret, { algorithm: 'HS256', subject: 'root', audience: 'pulse-admin', issuer: 'pulse', expiresIn: 60 });
    expect(await status(`?token=${adminAudience}`)).to.equal(401); // a well-signed token for the other side of the product
    expect(await status('', ['bearer', `${alice}x`])).to.equal(401);

    const c = await open('', { protocols: ['bearer', alice] });
    expect(c.ws.protocol).to.equal('bearer');
    c.send({ type: 'ping' });
    expect(await c.next((f) => f.type === 'pong', 'pong')).to.deep.equal({ type: 'pong' });
  });

  it('answers a malformed frame with an error frame and stays usable', async () => {
    const c = await open();
    for (const bad of ['not json', '{"type":"subscribe"}', '{"type":"subscribe","all":true,"integrationIds":["x"]}', '{"type":"dance"}',
      '{"type":"resume","since":"yesterday"}', '{"type":"subscribe","integrationIds":"x"}', '[]', 'null',
      '{"type":"subscribe","integrationIds":["a\\u0000b"]}']) {
      c.send(bad);
      const err = await c.next((f) => f.type === 'error', `error for ${bad}`);
      expect(err.code).to.equal('bad_request');
    }
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await c.next((f) => f.type === 'error', 'error for a binary frame')).code).to.equal('bad_request');
    c.send({ type: 'ping' });
    await c.next((f) => f.type === 'pong', 'pong');
    c.send({ type: 'subscribe', integrationIds: [aliceId] });
    await c.next((f) => f.type === 'snapshot' && f.integrations.length === 1, 'snapshot');
  });

  it('resumes: a client that reconnects with `resume since=<last version>` gets what it missed', async () => {
    const c = await open();
    c.send({ type: 'subscribe', integrationIds: [aliceId] });
    await c.next((f) => f.type === 'snapshot', 'snapshot');
    const last = await c.next((f) => f.type === 'health', 'a health frame');
    await c.close();

    target.set('rt-alice-1', { status: 503 });
    const missed = await eventually(async () => {
      const b = (await pulse.api('GET', `/api/integrations/${aliceId}/health`, { token: alice })).body;
      return b.checkCount >= last.integration.checkCount + 2 && b.status !== 'green' && b;
    }, 'checks while away');
    target.set('rt-alice-1', { status: 200 });

    const again = await open();
    again.send({ type: 'resume', since: last.version, integrationIds: [aliceId] });
    const snap = await again.next((f) => f.type === 'snapshot', 'resume snapshot');
    expect(snap.integrations).to.have.length(1);
    expect(snap.integrations[0].checkCount).to.be.at.least(missed.checkCount);
    expect(snap.version).to.be.greaterThan(last.version);
    await again.next((f) => f.type === 'health' && f.integration.integrationId === aliceId, 'live again after resuming');

    // Nothing changed since the latest version: nothing re-sent beyond the slack window.
    again.send({ type: 'resume', since: snap.version + 3_600_000 });
    const none = await again.next((f) => f.type === 'snapshot', 'empty resume');
    expect(none.integrations).to.deep.equal([]);
  });

  it('re-sends subscribed state after its LISTEN connection is killed, and keeps pushing', async () => {
    // Checked once at connect, then hourly: after the snapshot, only a resync can produce a frame for it.
    const created = await pulse.api('POST', '/api/integrations', {
      token: alice, body: { provider: 'http', displayName: 'rt-alice-hourly', config: { url: `${target.url}/rt-alice-hourly` }, checkIntervalSeconds: 3600 },
    });
    const hourly = created.body.id as string;
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${hourly}/health`, { token: alice })).body?.checkCount === 1, 'first check');
    const c = await open();
    c.send({ type: 'subscribe', integrationIds: [hourly, aliceId, marker] });
    const snap = await c.next((f) => f.type === 'snapshot', 'snapshot');
    expect(snap.integrations).to.have.length(3);
    // Its first check's notification has been through the fan-out: from the pong on, a frame of it is a re-send.
    await marked(c);

    const { rows } = await pulse.rt.db.query(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pulse-realtime'`,
    );
    expect(rows.map((r) => r.killed)).to.deep.equal([true]);
    const resent = await c.next((f) => f.type === 'health' && f.integration.integrationId === hourly, 'the hourly one re-sent after the reconnect', 20_000);
    expect(resent.integration.checkCount).to.equal(1);
    expect(logs.join('')).to.contain('realtime listener disconnected');
    await c.next((f) => f.type === 'health' && f.integration.integrationId === aliceId, 'live frames keep coming');
  });

  it('pushes the result of a manual check ("check now") to a subscribed client', async () => {
    // Hourly: after the first check, only the manual one can produce the next.
    const created = await pulse.api('POST', '/api/integrations', {
      token: alice, body: { provider: 'http', displayName: 'rt-alice-manual', config: { url: `${target.url}/rt-alice-manual` }, checkIntervalSeconds: 3600 },
    });
    const id = created.body.id as string;
    await eventually(async () => (await pulse.api('GET', `/api/integrations/${id}/health`, { token: alice })).body?.checkCount === 1, 'first check', 45_000);
    const c = await open();
    c.send({ type: 'subscribe', integrationIds: [id] });
    expect((await c.next((f) => f.type === 'snapshot', 'snapshot')).integrations[0].checkCount).to.equal(1);
    target.set('rt-alice-manual', { status: 503 });
    const requested = await pulse.api('POST', `/api/integrations/${id}/health/check`, { token: alice });
    expect(requested.status).to.equal(202);
    const frame = await c.next((f) => f.type === 'health' && f.integration.integrationId === id && f.integration.checkCount === 2, 'the manual check on the socket');
    expect(frame.integration.error.code).to.equal('server_error');
    target.set('rt-alice-manual', { status: 200 });
    // History is another projection, with its own pace: let it catch up with the check just pushed.
    await caughtUp(pulse.rt, { projection: 'health_history' }, [pulse.rt.topics.checks]);
    const history = (await pulse.api('GET', `/api/integrations/${id}/health/history`, { token: alice })).body.items as { trigger: string }[];
    expect(history.filter((h) => h.trigger === 'manual')).to.have.length(1);
  });

  it('puts no token in any frame or log line', () => {
    const frames = clients.flatMap((c) => c.raw).join('\n');
    expect(frames.length).to.be.greaterThan(1000);
    expect(logs.join('')).to.contain('realtime listener listening');
    for (const secret of [alice, bob, pulse.rt.config.auth.jwtSecret]) {
      expect(frames.includes(secret), 'token in a frame').to.equal(false);
      expect(logs.join('').includes(secret), 'token in the logs').to.equal(false);
    }
  });
});

describe('real-time heartbeats and slow clients', function () {
  this.timeout(30_000);

  it('terminates a client that stops answering pings, keeps one that answers', async () => {
    const pulse = await startPulse({ roles: [] });
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const realtime = await startRealtime({
      server, db: pulse.rt.db, databaseUrl: pulse.rt.config.databaseUrl, jwtSecret: pulse.rt.config.auth.jwtSecret, docsBaseUrl: '/docs', log: pulse.rt.log, heartbeatMs: 150,
    });
    try {
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws?token=${pulse.tokenFor('hb')}`;
      const [deaf, alive] = await Promise.all([Client.open(url, { autoPong: false }), Client.open(url)]);
      await eventually(async () => deaf.closed, 'deaf client dropped', 5_000);
      // Three more heartbeats: one that stopped answering would have been dropped after two.
      const pings = alive.pings;
      await eventually(async () => alive.pings >= pings + 3 || alive.closed, 'three more pings', 5_000);
      expect(alive.closed).to.equal(null);
      expect(alive.pings).to.be.at.least(pings + 3);
      await alive.close();
    } finally {
      await realtime.stop();
      server.close();
      await pulse.stop();
    }
  });

  it('coalesces per integration behind a full socket and closes with 1013 after staying over the hard limit', () => {
    let clock = 0;
    const sent: string[] = [];
    const sink: Sink & { buffered: number; closedWith: number | null } = {
      buffered: 0, closedWith: null, readyState: 1,
      get bufferedAmount() { return this.buffered; },
      send(data) { sent.push(data.toString()); },
      close(code) { this.closedWith = code; },
    };
    const backlog = new Set<Outbox>();
    const limits = { lowWaterBytes: 100, hardLimitBytes: 1_000, hardLimitMs: 30_000, maxReplies: 3 };
    const out = new Outbox(sink, limits, (o) => backlog.add(o), () => clock);
    out.health('a', Buffer.from('a1'));
    expect(sent).to.deep.equal(['a1']);

    sink.buffered = 500; // over the low-water mark: queue, keeping only the latest per integration
    for (let i = 2; i <= 1000; i++) out.health('a', Buffer.from(`a${i}`));
    out.health('b', Buffer.from('b1'));
    out.reply('{"type":"pong"}');
    expect(sent).to.deep.equal(['a1']);
    expect(backlog.size).to.equal(1);
    sink.buffered = 0;
    expect(out.flush()).to.equal(true);
    expect(sent).to.deep.equal(['a1', '{"type":"pong"}', 'a1000', 'b1']);

    sink.buffered = 5_000; // over the hard limit
    out.health('a', Buffer.from('a1001'));
    clock += 29_999;
    expect(out.flush()).to.equal(false);
    expect(sink.closedWith).to.equal(null);
    clock += 1;
    out.flush();
    expect(sink.closedWith).to.equal(1013);
    expect(sent).to.have.length(4);
  });
});
