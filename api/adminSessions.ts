// Admin portal sessions: an opaque random cookie (`pulse_admin`, 32 bytes) whose sha256 is the
// key of a row in `admin_sessions`; the cookie value itself is never stored, logged or sent
// anywhere but the Set-Cookie of the login. A session ends after ADMIN_SESSION_IDLE_MINUTES
// without a request, ADMIN_SESSION_MAX_HOURS after login, or when its admin logs out or
// changes password (which end EVERY session of that admin). All times are the database's.
//
// CSRF: a session-bound token, HMAC-SHA256(server secret, "pulse-admin-csrf:" + sha256(cookie)).
// It is returned once, in the login response body, and must come back as `x-csrf-token` on
// every POST/PUT/PATCH/DELETE. Nothing is stored for it; it dies with the session. The cookie
// is also SameSite=Strict, HttpOnly, Path=/api/admin (+ Secure behind https).
//
// Open WebSockets (api/realtime/server.ts): `onAdminSessionsEnded(listener)` tells this
// process's listeners the admin id whose sessions just ended (logout or password change
// through this process), so its sockets close at once. Every end is also announced with
// `pg_notify('pulse_admin_sessions', adminId)` on commit, which each API instance's realtime
// server LISTENs to (another instance, `pulse admin set-password`). Expiry and idling out
// announce nothing: the realtime server re-checks open sockets' sessions with `stillLive`.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Response } from 'express';
import { inTransaction, type Db, type Tx } from '../platform/db.js';

export const adminCookieName = 'pulse_admin';
export const adminCookiePath = '/api/admin';
export const adminSessionsChannel = 'pulse_admin_sessions';
export const csrfHeader = 'x-csrf-token';

export interface AdminSessionSettings {
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  secureCookie: boolean;
  /** Server secret the CSRF tokens are derived from (JWT_SECRET). */
  csrfKey: string;
}

export interface AdminSession {
  adminId: string;
  email: string;
  /** sha256 of the cookie value (hex): the row's key. */
  id: string;
}

const events = new EventEmitter();
events.setMaxListeners(0);

/** Calls `listener(adminId)` whenever every session of that admin has ended. Returns an unsubscribe function. */
export function onAdminSessionsEnded(listener: (adminId: string) => void): () => void {
  events.on('ended', listener);
  return () => events.off('ended', listener);
}

export function emitAdminSessionsEnded(adminId: string): void {
  events.emit('ended', adminId);
}

/** Ends every session of an admin inside the caller's transaction (emit after commit). */
export async function endAdminSessionsInTx(tx: Tx, adminId: string): Promise<void> {
  await tx.query('UPDATE admin_accounts SET sessions_valid_after = now() WHERE id = $1', [adminId]);
  await tx.query('DELETE FROM admin_sessions WHERE admin_id = $1', [adminId]);
  await tx.query('SELECT pg_notify($1, $2)', [adminSessionsChannel, adminId]);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

function cookieValue(req: { headers: IncomingHttpHeaders }): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === adminCookieName) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export type AdminSessions = ReturnType<typeof createAdminSessions>;

export function createAdminSessions(db: Db, settings: AdminSessionSettings) {
  const csrfFor = (sessionId: string) => createHmac('sha256', settings.csrfKey).update(`pulse-admin-csrf:${sessionId}`).digest('base64url');
  const cookie = (value: string, maxAgeSeconds: number) =>
    `${adminCookieName}=${value}; Path=${adminCookiePath}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${settings.secureCookie ? '; Secure' : ''}`;

  return {
    settings,

    /** Starts a session: sets the cookie on `res` and returns the CSRF token for the body. */
    async create(res: Response, adminId: string): Promise<{ csrfToken: string }> {
      const value = randomBytes(32).toString('base64url');
      const id = sha256(value);
      // Sweep this admin's dead sessions while we are here.
      await db.query(
        `DELETE FROM admin_sessions WHERE admin_id = $1 AND (expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $2))`,
        [adminId, settings.sessionIdleMinutes],
      );
      await db.query(
        `INSERT INTO admin_sessions (id, admin_id, expires_at) VALUES ($1, $2, now() + make_interval(hours => $3))`,
        [id, adminId, settings.sessionMaxHours],
      );
      res.setHeader('Set-Cookie', cookie(value, settings.sessionMaxHours * 3600));
      res.setHeader('Cache-Control', 'no-store');
      return { csrfToken: csrfFor(id) };
    },

    /**
     * The live session the request's cookie names (and marks it seen), or null. Also takes a
     * WebSocket upgrade request. A disabled account has no live session, even one created by a
     * login whose password check finished just after the disable committed.
     */
    async lookup(req: { headers: IncomingHttpHeaders }): Promise<AdminSession | null> {
      const value = cookieValue(req);
      if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) return null;
      const id = sha256(value);
      const { rows } = await db.query(
        `UPDATE admin_sessions s SET last_seen_at = now()
           FROM admin_accounts a
          WHERE s.id = $1 AND a.id = s.admin_id
            AND s.expires_at > now()
            AND s.last_seen_at > now() - make_interval(mins => $2)
            AND s.created_at > a.sessions_valid_after
            AND a.disabled_at IS NULL
         RETURNING s.admin_id, a.email`,
        [id, settings.sessionIdleMinutes],
      );
      return rows[0] ? { id, adminId: rows[0].admin_id, email: rows[0].email } : null;
    },

    /**
     * Which of these sessions (ids) are still live, WITHOUT marking them seen: an open
     * WebSocket is not activity, so a portal left alone still idles out.
     */
    async stillLive(ids: string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const { rows } = await db.query(
        `SELECT s.id FROM admin_sessions s JOIN admin_accounts a ON a.id = s.admin_id
          WHERE s.id = ANY($1)
            AND s.expires_at > now()
            AND s.last_seen_at > now() - make_interval(mins => $2)
            AND s.created_at > a.sessions_valid_after
            AND a.disabled_at IS NULL`,
        [ids, settings.sessionIdleMinutes],
      );
      return new Set(rows.map((r) => r.id as string));
    },

    csrfValid(session: AdminSession, token: string | undefined): boolean {
      if (!token) return false;
      const expected = Buffer.from(csrfFor(session.id));
      const given = Buffer.from(token);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },

    /** Ends every session of the admin (all devices), then tells this process's listeners. */
    async endAll(adminId: string): Promise<void> {
      await inTransaction(db, (tx) => endAdminSessionsInTx(tx, adminId));
      emitAdminSessionsEnded(adminId);
    },

    clearCookie(res: Response): void {
      res.setHeader('Set-Cookie', cookie('', 0));
    },
  };
}
