// The WebSocket endpoints on the API's HTTP server: `/ws` for users (bearer token) and
// `/api/admin/ws` for admins (the session cookie, whose Path=/api/admin keeps it off every
// other URL; Origin checked). One server behind both: same frames, same fan-out. Runs the
// LISTEN connection, pings clients, closes admin sockets whose session ended, and closes
// everything on stop.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { notifyChannel } from '../../consumers/projector.js';
import type { Db } from '../../platform/db.js';
import type { Logger } from '../../platform/logger.js';
import { adminSessionsChannel, onAdminSessionsEnded } from '../adminSessions.js';
import { verifyUserToken } from '../auth.js';
import { defaultUserTokenMaxLifetimeSeconds } from '../userTokenClaims.js';
import { originAllowed, socketAccessOf, type SocketAccess } from './access.js';
import { defaultLimits, Drainer, Outbox, type Limits } from './coalescer.js';
import { Connection } from './connection.js';
import { Fanout, parseChange, type Subscriber } from './fanout.js';
import { startListener } from './listener.js';
import { Subscriptions, type Principal } from './subscriptions.js';

export interface RealtimeDeps {
  server: Server;
  db: Db;
  databaseUrl: string;
  jwtSecret: string;
  /** USER_TOKEN_MAX_LIFETIME_HOURS in seconds (by default its default, 24 h). */
  userTokenMaxLifetimeSeconds?: number;
  docsBaseUrl: string;
  log: Logger;
  heartbeatMs?: number;
  limits?: Limits;
  /** Admin sessions, allowed origins, client address; by default what the app serving `server` shares (access.ts). Without it, no admin sockets. */
  access?: SocketAccess;
}

export interface Realtime {
  stop(): Promise<void>;
}

export const wsPath = '/ws';
export const adminWsPath = '/api/admin/ws';

/** Close code for an admin socket whose session ended (logout, password change, expiry). */
export const SESSION_ENDED = 4401;

/** The user token from `?token=` or from `Sec-WebSocket-Protocol: bearer, <token>`. */
function tokenOf(req: IncomingMessage, url: URL): string | null {
  const [first, second] = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (first === 'bearer' && second) return second;
  return url.searchParams.get('token');
}

const statusText = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' } as const;

function refuse(socket: Duplex, status: keyof typeof statusText, challenge?: string) {
  const extra = challenge ? `WWW-Authenticate: ${challenge}\r\n` : '';
  socket.end(`HTTP/1.1 ${status} ${statusText[status]}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

const who = (p: Principal) => (p.kind === 'user' ? { userId: p.userId } : { adminId: p.adminId });

export async function startRealtime(deps: RealtimeDeps): Promise<Realtime> {
  const { log, server } = deps;
  const limits = deps.limits ?? defaultLimits;
  const access = deps.access ?? socketAccessOf(server);
  // The subprotocol answered is always `bearer`, never the token.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, handleProtocols: (p) => (p.has('bearer') ? 'bearer' : false) });
  const subs = new Subscriptions<Subscriber>();
  const fanout = new Fanout(subs, deps.db, deps.docsBaseUrl, log);
  const drainer = new Drainer();
  const live = new Map<WebSocket, Connection>();

  const clientIp = (req: IncomingMessage) => access?.clientOf(req).ip ?? req.socket.remoteAddress ?? 'unknown';

  /** Who may open this socket, or the refusal. */
  const authenticate = async (req: IncomingMessage, url: URL): Promise<Principal | keyof typeof statusText> => {
    if (url.pathname === wsPath) {
      const token = tokenOf(req, url);
      // The same rules as the REST API's bearer tokens (exp required, bounded lifetime, exact audience).
      const rules = { secret: deps.jwtSecret, maxLifetimeSeconds: deps.userTokenMaxLifetimeSeconds ?? defaultUserTokenMaxLifetimeSeconds };
      const userId = token ? verifyUserToken(rules, token)?.userId : undefined;
      return userId ? { kind: 'user', userId } : 401;
    }
    if (url.pathname !== adminWsPath || !access) return 404;
    const origin = req.headers.origin;
    if (!originAllowed(origin, access.clientOf(req).host, access.origins)) {
      log.warn({ ip: clientIp(req) }, 'admin socket refused: origin not allowed');
      return 403;
    }
    const session = await access.adminSessions.lookup(req);
    return session ? { kind: 'admin', adminId: session.adminId, sessionId: session.id } : 401;
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    authenticate(req, url).then(
      (outcome) => {
        if (socket.destroyed) return;
        if (typeof outcome === 'number') return refuse(socket, outcome, outcome === 401 && url.pathname === wsPath ? 'Bearer' : undefined);
        wss.handleUpgrade(req, socket, head, (ws) => accept(ws, outcome, clientIp(req)));
      },
      (err) => {
        log.error({ err: { message: (err as Error)?.message } }, 'realtime upgrade failed');
        refuse(socket, 503);
      },
    );
  };

  const closeSocket = (ws: WebSocket, code: number, reason: string) => {
    // Subscriptions end now, not when the close handshake completes.
    live.get(ws)?.close();
    ws.close(code, reason);
    setTimeout(() => ws.terminate(), 5_000).unref(); // its buffer may never drain
  };

  const accept = (ws: WebSocket, principal: Principal, ip: string) => {
    const sink = {
      get bufferedAmount() { return ws.bufferedAmount; },
      get readyState() { return ws.readyState; },
      send: (data: Buffer, opts: { binary: false }) => ws.send(data, opts),
      close: (code: number, reason: string) => {
        log.warn({ ...who(principal), code, reason }, 'realtime client closed by server');
        closeSocket(ws, code, reason);
      },
    };
    const conn = new Connection(principal, new Outbox(sink, limits, drainer.add), fanout, log);
    live.set(ws, conn);
    log.debug({ ...who(principal), ip, clients: live.size }, 'realtime client connected');
    ws.on('message', (data, isBinary) => {
      if (isBinary) return conn.outbox.reply('{"type":"error","code":"bad_request","message":"frames must be JSON text"}');
      try {
        conn.onMessage((data as Buffer).toString('utf8'));
      } catch (err) {
        log.error({ err: { message: (err as Error)?.message } }, 'realtime frame failed');
      }
    });
    ws.on('pong', () => void (conn.missedPongs = 0));
    ws.on('error', (err) => log.debug({ ...who(principal), err: { message: err.message } }, 'realtime socket error'));
    ws.on('close', () => {
      live.delete(ws);
      conn.close();
      log.debug({ ...who(principal), clients: live.size }, 'realtime client disconnected');
    });
  };

  const adminSockets = () => [...live].filter((e): e is [WebSocket, Connection & { principal: { kind: 'admin' } }] => e[1].principal.kind === 'admin');

  /** Logout or password change (here, on another instance, or from the CLI): that admin's sockets close. */
  const sessionsEnded = (adminId: string) => {
    for (const [ws, conn] of adminSockets()) {
      if (conn.principal.adminId !== adminId) continue;
      log.info({ adminId }, 'admin socket closed: session ended');
      closeSocket(ws, SESSION_ENDED, 'session ended');
    }
  };

  // Expiry and idling out end a session without any notification: re-check open admin
  // sockets' sessions (without counting it as activity). Also after a LISTEN reconnect, in
  // case a logout's NOTIFY was missed.
  let checking = false;
  const recheckSessions = async () => {
    const open = adminSockets();
    if (!access || checking || !open.length) return;
    checking = true;
    try {
      const alive = await access.adminSessions.stillLive(open.map(([, c]) => c.principal.sessionId));
      for (const [ws, conn] of open) {
        if (alive.has(conn.principal.sessionId) || ws.readyState !== ws.OPEN) continue;
        log.info({ adminId: conn.principal.adminId }, 'admin socket closed: session expired');
        closeSocket(ws, SESSION_ENDED, 'session expired');
      }
    } catch (err) {
      log.warn({ err: { message: (err as Error)?.message } }, 'admin session re-check failed; will retry');
    } finally {
      checking = false;
    }
  };

  const stopLocalEnds = onAdminSessionsEnded(sessionsEnded);
  const listener = startListener({
    databaseUrl: deps.databaseUrl,
    log,
    channels: {
      [notifyChannel]: (payload) => {
        const change = parseChange(payload);
        if (change) fanout.onChange(change);
        else log.warn({ channel: notifyChannel }, 'ignored a malformed notification');
      },
      [adminSessionsChannel]: sessionsEnded,
    },
    onResync: () => {
      fanout.onResync();
      void recheckSessions();
    },
  });

  // Ping every interval; a client that has not answered the last two pings is dropped.
  const heartbeat = setInterval(() => {
    for (const [ws, conn] of live) {
      if (conn.missedPongs >= 2) {
        ws.terminate();
        continue;
      }
      conn.missedPongs++;
      ws.ping();
    }
    void recheckSessions();
  }, deps.heartbeatMs ?? 15_000);
  heartbeat.unref();

  server.on('upgrade', onUpgrade);
  await listener.ready;

  return {
    async stop() {
      server.off('upgrade', onUpgrade);
      stopLocalEnds();
      clearInterval(heartbeat);
      fanout.stop();
      drainer.stop();
      await listener.stop();
      const closed = [...live.keys()].map((ws) => new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close(1001, 'server stopping');
      }));
      const force = setTimeout(() => { for (const ws of live.keys()) ws.terminate(); }, 2_000);
      await Promise.all(closed);
      clearTimeout(force);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
