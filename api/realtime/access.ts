// What the WebSocket server needs from the Express app it shares an HTTP server with: the
// admin session store, which browser origins may open an admin socket, and the client's
// address as Express sees it (same `trust proxy` rules as req.ip in the audit log and the
// login limits). createApp shares it; startRealtime finds it through the server's request
// listener unless its caller passes it explicitly.
import type { IncomingMessage, Server } from 'node:http';
import type { AdminSessions } from '../adminSessions.js';

export interface SocketAccess {
  adminSessions: AdminSessions;
  /** Origins (`scheme://host[:port]`) allowed to open an admin socket, besides the API's own. */
  origins: string[];
  /** The client address and the host it asked for, by Express's rules (`trust proxy`). */
  clientOf(req: IncomingMessage): { ip: string; host: string | undefined };
}

const shared = new WeakMap<object, SocketAccess>();

export function shareSocketAccess(app: object, access: SocketAccess): void {
  shared.set(app, access);
}

export function socketAccessOf(server: Server): SocketAccess | undefined {
  for (const listener of server.listeners('request')) {
    const access = shared.get(listener);
    if (access) return access;
  }
  return undefined;
}

/**
 * Cross-site WebSocket hijacking guard: a browser always sends Origin on a WebSocket
 * handshake, and the cookie rides along whatever page opened it. Only the API's own origin
 * (the host asked for, or PUBLIC_API_URL) and configured CORS origins may use the admin
 * cookie. No Origin at all is a non-browser client, which has no ambient cookie to abuse.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: string[]): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin === 'null') return false;
  return (host !== undefined && url.host === host.toLowerCase()) || allowed.includes(url.origin);
}
