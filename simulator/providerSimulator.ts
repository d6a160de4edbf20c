// The provider simulator: one HTTP + WebSocket server speaking the wire formats of the
// providers Pulse checks (Google OAuth/Gmail/Calendar, Slack Web API/OAuth/Socket Mode, MCP
// Streamable HTTP), with per-account faults. Start it in-process with startSimulator(), or
// standalone with `npm run simulator` (main.ts). Routes and faults: simulator/README.md.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { AccountStore, OneTimeCodes, snapshot } from './accounts.js';
import { adminRouter } from './admin.js';
import { accountOf, createTracker, describeIssues, pathOf, sendJson, type SimContext } from './context.js';
import { faultsSchema } from './faults.js';
import { googleApiRouter } from './google.js';
import { googleOAuthRouter } from './googleOAuth.js';
import { mcpRouter } from './mcp.js';
import { slackApiRouter } from './slack.js';
import { slackOAuthRouter } from './slackOAuth.js';
import { attachSocketMode } from './slackSocket.js';
import type { Faults, NewSimAccount, SimAccount, Simulator, SimLogEntry } from './types.js';

export type { Faults, NewSimAccount, SimAccount, Simulator, SimLogEntry, SimProvider, SimRequest } from './types.js';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** Called once per request (and per WebSocket upgrade) when it ends. */
  onRequest?: (entry: SimLogEntry) => void;
}

export async function startSimulator({ port = 0, host = '127.0.0.1', onRequest }: SimulatorOptions = {}): Promise<Simulator> {
  let closed = false;
  const sleepers = new Set<{ timer: NodeJS.Timeout; resolve: (ok: boolean) => void }>();
  const ctx: SimContext = {
    store: new AccountStore(),
    ...createTracker(onRequest),
    isClosed: () => closed,
    sleep: (ms) =>
      new Promise<boolean>((resolve) => {
        if (closed) return resolve(false);
        const sleeper = { timer: setTimeout(() => { sleepers.delete(sleeper); resolve(true); }, ms), resolve };
        sleepers.add(sleeper);
      }),
  };
  const tickets = new OneTimeCodes<string>('sim-ticket-', 5 * 60_000);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (onRequest) {
    app.use((req, res, next) => {
      const startedAt = performance.now();
      res.once('close', () => onRequest({ method: req.method, path: pathOf(req), status: res.headersSent ? res.statusCode : 0, ms: Math.round(performance.now() - startedAt), account: accountOf.get(res) ?? null }));
      next();
    });
  }
  app.use('/_sim', adminRouter(ctx));
  app.use(mcpRouter(ctx));
  app.use(googleOAuthRouter(ctx));
  app.use(googleApiRouter(ctx));
  app.use(slackOAuthRouter(ctx));
  app.use(slackApiRouter(ctx, tickets));
  app.use((_req: Request, res: Response) => sendJson(res, 404, { error: 'not_found' }));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.end();
    const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
    sendJson(res, status, { error: status < 500 ? 'invalid_request' : 'internal_error', message: status < 500 ? 'request body could not be parsed' : 'simulator error' });
  });

  const server = http.createServer(app);
  const socketMode = attachSocketMode(ctx, server, tickets);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const must = (name: string) => {
    const state = ctx.store.get(name);
    if (!state) throw new Error(`simulator: no account ${name}`);
    return state;
  };

  return {
    url: `http://${urlHost}:${address.port}`,
    createAccount(a: NewSimAccount): SimAccount {
      try {
        return snapshot(ctx.store.create(a));
      } catch (e) {
        if (e instanceof z.ZodError) throw new Error(`simulator: invalid account: ${describeIssues(e)}`);
        throw e;
      }
    },
    setFaults(account: string, faults: Faults): void {
      const state = must(account);
      const parsed = faultsSchema.safeParse(faults);
      if (!parsed.success) throw new Error(`simulator: invalid faults: ${describeIssues(parsed.error)}`);
      state.faults = parsed.data;
    },
    account: (account) => {
      const state = ctx.store.get(account);
      return state && snapshot(state);
    },
    requests: (account) => (ctx.store.get(account)?.requests ?? []).map((r) => ({ ...r })),
    async close() {
      if (closed) return;
      closed = true;
      for (const s of sleepers) {
        clearTimeout(s.timer);
        s.resolve(false);
      }
      sleepers.clear();
      socketMode.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
