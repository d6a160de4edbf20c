// What every route module shares: the account store, a sleep that close() cancels, the
// per-account request log, and small request-reading helpers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { AccountState, AccountStore } from './accounts.js';
import type { SimLogEntry } from './types.js';

export interface SimContext {
  store: AccountStore;
  /** Resolves true after ms, or false at once if the simulator closes meanwhile. */
  sleep(ms: number): Promise<boolean>;
  isClosed(): boolean;
  /** Record this request against the account (status filled in when the response ends). */
  track(state: AccountState, req: IncomingMessage, res: ServerResponse): void;
  /** Record a request that is not an ordinary HTTP response (WebSocket upgrade). */
  record(state: AccountState | null, method: string, path: string, status: number, startedAt: number): void;
}

/** The path of a request without its query string (which may hold tokens or codes). */
export const pathOf = (req: IncomingMessage & { originalUrl?: string }): string => new URL(req.originalUrl ?? req.url ?? '/', 'http://x').pathname;

/** The account a response was tracked against, for the log line. */
export const accountOf = new WeakMap<ServerResponse, string>();

export function createTracker(log?: (entry: SimLogEntry) => void) {
  return {
    track(state: AccountState, req: IncomingMessage, res: ServerResponse) {
      if (accountOf.has(res)) return;
      accountOf.set(res, state.sim.account);
      const entry = { method: req.method ?? 'GET', path: pathOf(req), status: 0 };
      state.requests.push(entry);
      const done = () => { if (res.headersSent) entry.status = res.statusCode; };
      res.once('finish', done);
      res.once('close', done);
    },
    record(state: AccountState | null, method: string, path: string, status: number, startedAt: number) {
      state?.requests.push({ method, path, status });
      log?.({ method, path, status, ms: Math.round(performance.now() - startedAt), account: state?.sim.account ?? null });
    },
  };
}

export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/** client_id / client_secret from HTTP Basic auth, as OAuth clients may send them. */
export function basicClient(req: IncomingMessage): { id: string; secret: string } | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
}

/** A string parameter from the parsed body (form or JSON) or, failing that, the query. */
export function param(req: { body?: unknown; query?: unknown }, name: string): string | undefined {
  for (const source of [req.body, req.query]) {
    if (source && typeof source === 'object') {
      const v = (source as Record<string, unknown>)[name];
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
    }
  }
  return undefined;
}

/** "field: problem; other: problem" — names the fields, never echoes values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}
