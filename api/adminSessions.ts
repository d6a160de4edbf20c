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
// Open WebSockets: `onAdminSessionsEnded(listener)` tells this process's listeners the admin
// id whose sessions just ended (logout or password change through this process). Sessions
// ended elsewhere (another API instance, `pulse admin set-password`) are announced with
// `pg_notify('pulse_admin_sessions', adminId)` on commit: a realtime server that LISTENs there
// should call `emitAdminSessionsEnded(adminId)` (or re-check its sessions with `lookup`).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
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

function cookieValue(req: Request): string | undefined {
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

    /** The live session the request's cookie names (and marks it seen), or null. */
    async lookup(req: Request): Promise<AdminSession | null> {
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
         RETURNING s.admin_id, a.email`,
        [id, settings.sessionIdleMinutes],
      );
      return rows[0] ? { id, adminId: rows[0].admin_id, email: rows[0].email } : null;
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
