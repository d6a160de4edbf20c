// Authentication, with users and admins kept strictly apart:
// - users: `Authorization: Bearer <JWT>` (HS256, signed with the configured secret, audience
//   `pulse-user`, `sub` = user id). Only user routes accept it; it never opens /api/admin.
// - admins: the admin portal's session cookie (`pulse_admin`, see adminSessions.ts) plus a
//   CSRF token on writes. Only /api/admin (and the admin WebSocket, /api/admin/ws) accepts it;
//   it never opens user routes, which look at the Authorization header alone.
// Tokens, cookies and CSRF tokens are never logged or echoed.
import jwt from 'jsonwebtoken';
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';
import { csrfHeader, type AdminSessions } from './adminSessions.js';
import { audit, setAuditActor } from './audit.js';

export type Audience = 'pulse-user' | 'pulse-admin';

export interface AuthedLocals {
  userId: string;
  /** The token's `email` claim, if any: where alert mail about the user's integrations goes. */
  userEmail?: string;
}

export interface AdminLocals {
  adminId: string;
  adminEmail: string;
}

function issue(secret: string, subject: string, audience: Audience, ttlSeconds: number, claims: Record<string, string> = {}): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', subject, audience, expiresIn: ttlSeconds, issuer: 'pulse' });
}

export const issueUserToken = (secret: string, userId: string, ttlSeconds = 24 * 3600, email?: string) =>
  issue(secret, userId, 'pulse-user', ttlSeconds, email ? { email } : {});

/** The `email` claim of a verified token, when it is a plausible address. */
function emailClaim(token: string): string | undefined {
  const claims = jwt.decode(token);
  const email = typeof claims === 'object' && claims ? claims.email : undefined;
  return typeof email === 'string' && email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
}

export function verifyToken(secret: string, token: string, audience: Audience): string | null {
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: 'pulse', audience });
    return typeof claims === 'object' && typeof claims.sub === 'string' && claims.sub ? claims.sub : null;
  } catch {
    return null;
  }
}

function bearer(audience: Audience, secret: string, onAuthed: (locals: Record<string, unknown>, sub: string) => void): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.headers.authorization ?? '');
    const sub = match ? verifyToken(secret, match[1] as string, audience) : null;
    if (!sub) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      next(new HttpError(401, 'unauthenticated', 'a valid bearer token is required'));
      return;
    }
    onAuthed(res.locals, sub);
    const email = emailClaim(match![1] as string);
    if (email) res.locals.userEmail = email;
    next();
  };
}

export const requireUser = (secret: string) => bearer('pulse-user', secret, (l, sub) => void (l.userId = sub));

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Admin routes: a live admin session (cookie) is required, and on every state-changing
 * request (POST/PUT/PATCH/DELETE) its CSRF token in `x-csrf-token`. Bearer tokens are ignored.
 * A missing or wrong CSRF token answers 403 and is audited as `csrf.rejected` (denied).
 */
export function requireAdmin(sessions: AdminSessions): RequestHandler {
  return async (req, res, next) => {
    const session = await sessions.lookup(req);
    if (!session) throw new HttpError(401, 'unauthenticated', 'an admin session is required: log in with POST /api/admin/session');
    res.locals.adminId = session.adminId;
    res.locals.adminEmail = session.email;
    res.locals.adminSession = session;
    setAuditActor(req, session.email);
    if (!safeMethods.has(req.method) && !sessions.csrfValid(session, req.get(csrfHeader))) {
      await audit(req, 'csrf.rejected', `${req.method} ${req.baseUrl}${req.path}`, 'denied');
      throw new HttpError(403, 'csrf_failed', `a valid ${csrfHeader} header is required on this request`);
    }
    next();
  };
}
