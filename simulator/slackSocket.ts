// Slack Socket Mode: the WebSocket behind apps.connections.open's URL. Sends hello right
// after the connection opens (unless socketNoHello); an unknown or used ticket gets HTTP 401.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { OneTimeCodes } from './accounts.js';
import type { SimContext } from './context.js';

const httpReply = (socket: Duplex, status: number, reason: string, extra = '') => {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\n${extra}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
};

export interface SocketMode {
  close(): void;
}

export function attachSocketMode(ctx: SimContext, server: Server, tickets: OneTimeCodes<string>): SocketMode {
  const wss = new WebSocketServer({ noServer: true });
  const pending = new Set<Duplex>();

  server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const startedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    socket.on('error', () => {});
    if (url.pathname !== '/slack/socket') {
      ctx.record(null, 'GET', url.pathname, 404, startedAt);
      return httpReply(socket, 404, 'Not Found');
    }
    const account = tickets.take(url.searchParams.get('ticket') ?? undefined);
    const state = account ? ctx.store.get(account) : undefined;
    if (!state) {
      ctx.record(null, 'GET', url.pathname, 401, startedAt);
      return httpReply(socket, 401, 'Unauthorized');
    }
    const f = state.faults;
    if (f.refuse) {
      ctx.record(state, 'GET', url.pathname, 0, startedAt);
      return socket.destroy();
    }
    if (f.timeout) {
      ctx.record(state, 'GET', url.pathname, 0, startedAt);
      pending.add(socket);
      socket.once('close', () => pending.delete(socket));
      return;
    }
    if (f.latencyMs) {
      pending.add(socket);
      const ok = await ctx.sleep(f.latencyMs);
      pending.delete(socket);
      if (!ok) return socket.destroy();
    }
    if (f.serverError || f.rateLimit) {
      const status = f.serverError ?? 429;
      ctx.record(state, 'GET', url.pathname, status, startedAt);
      return f.serverError ? httpReply(socket, status, 'Server Error') : httpReply(socket, 429, 'Too Many Requests', `Retry-After: ${f.rateLimit?.retryAfterSeconds ?? 1}\r\n`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.record(state, 'GET', url.pathname, 101, startedAt);
      ws.on('message', () => {}); // acks and the like are accepted and ignored
      if (state.faults.socketNoHello) return;
      ws.send(JSON.stringify({
        type: 'hello',
        num_connections: 1,
        debug_info: { host: 'applink-sim-1', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: state.identity.appId },
      }));
    });
  });

  return {
    close() {
      for (const socket of pending) socket.destroy();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
