// The /ws endpoint on the API's HTTP server: authenticates the upgrade, runs the LISTEN
// connection and the fan-out, pings clients, and closes everything on stop.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { notifyChannel } from '../../consumers/projector.js';
import type { Db } from '../../platform/db.js';
import type { Logger } from '../../platform/logger.js';
import { verifyToken } from '../auth.js';
import { defaultLimits, Drainer, Outbox, type Limits } from './coalescer.js';
import { Connection } from './connection.js';
import { Fanout, type Subscriber } from './fanout.js';
import { startListener } from './listener.js';
import { Subscriptions } from './subscriptions.js';

export interface RealtimeDeps {
  server: Server;
  db: Db;
  databaseUrl: string;
  jwtSecret: string;
  docsBaseUrl: string;
  log: Logger;
  heartbeatMs?: number;
  limits?: Limits;
}

export interface Realtime {
  stop(): Promise<void>;
}

export const wsPath = '/ws';

/** The user token from `?token=` or from `Sec-WebSocket-Protocol: bearer, <token>`. */
function tokenOf(req: IncomingMessage, url: URL): string | null {
  const [first, second] = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
  if (first === 'bearer' && second) return second;
  return url.searchParams.get('token');
}

function refuse(socket: Duplex, status: 401 | 404, text: string) {
  const extra = status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

export async function startRealtime(deps: RealtimeDeps): Promise<Realtime> {
  const { log, server } = deps;
  const limits = deps.limits ?? defaultLimits;
  // The subprotocol answered is always `bearer`, never the token.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024, handleProtocols: (p) => (p.has('bearer') ? 'bearer' : false) });
  const subs = new Subscriptions<Subscriber>();
  const fanout = new Fanout(subs, deps.db, deps.docsBaseUrl, log);
  const drainer = new Drainer();
  const live = new Map<WebSocket, Connection>();
  const listener = startListener({ databaseUrl: deps.databaseUrl, channel: notifyChannel, log, onChange: fanout.onChange, onResync: fanout.onResync });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== wsPath) return refuse(socket, 404, 'Not Found');
    const token = tokenOf(req, url);
    const userId = token ? verifyToken(deps.jwtSecret, token, 'pulse-user') : null;
    if (!userId) return refuse(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, userId));
  };

  const accept = (ws: WebSocket, userId: string) => {
    const sink = {
      get bufferedAmount() { return ws.bufferedAmount; },
      get readyState() { return ws.readyState; },
      send: (data: Buffer, opts: { binary: false }) => ws.send(data, opts),
      close: (code: number, reason: string) => {
        log.warn({ userId, code, reason }, 'realtime client closed by server');
        ws.close(code, reason);
        setTimeout(() => ws.terminate(), 5_000).unref(); // its buffer may never drain
      },
    };
    const conn = new Connection({ kind: 'user', userId }, new Outbox(sink, limits, drainer.add), fanout, log);
    live.set(ws, conn);
    log.debug({ userId, clients: live.size }, 'realtime client connected');
    ws.on('message', (data, isBinary) => {
      if (isBinary) return conn.outbox.reply('{"type":"error","code":"bad_request","message":"frames must be JSON text"}');
      try {
        conn.onMessage((data as Buffer).toString('utf8'));
      } catch (err) {
        log.error({ err: { message: (err as Error)?.message } }, 'realtime frame failed');
      }
    });
    ws.on('pong', () => void (conn.missedPongs = 0));
    ws.on('error', (err) => log.debug({ userId, err: { message: err.message } }, 'realtime socket error'));
    ws.on('close', () => {
      live.delete(ws);
      conn.close();
      log.debug({ userId, clients: live.size }, 'realtime client disconnected');
    });
  };

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
  }, deps.heartbeatMs ?? 15_000);
  heartbeat.unref();

  server.on('upgrade', onUpgrade);
  await listener.ready;

  return {
    async stop() {
      server.off('upgrade', onUpgrade);
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
