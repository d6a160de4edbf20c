// Authentication, with users and admins kept strictly apart:
// - users: `Authorization: Bearer <JWT>` (HS256, signed with the configured secret, audience
//   exactly `pulse-user`, `sub` = user id, `exp` required and the lifetime bounded:
//   userTokenClaims.ts). Only user routes (and /ws) accept it; it never opens /api/admin.
// - admins: the admin portal's session cookie (`pulse_admin`, see adminSessions.ts) plus a
//   CSRF token on writes. Only /api/admin (and the admin WebSocket, /api/admin/ws) accepts it;
//   it never opens user routes, which look at the Authorization header alone.
// Tokens, cookies and CSRF tokens are never logged or echoed.
import jwt from 'jsonwebtoken';
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';
import { csrfHeader, type AdminSessions } from './adminSessions.js';
import { audit, setAuditActor } from './audit.js';
import { countRequest, type RequestRate } from './requestRate.js';
import { userAudience, userClaimsProblem, type UserTokenRules } from './userTokenClaims.js';

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

/** How user tokens are checked: the signing secret and the claim rules (userTokenClaims.ts). */
export interface UserTokenAuth extends UserTokenRules {
  secret: string;
}

function issue(secret: string, subject: string, audience: Audience, ttlSeconds: number, claims: Record<string, string> = {}): string {
  return jwt.sign(claims, secret, { algorithm: 'HS256', subject, audience, expiresIn: ttlSeconds, issuer: 'pulse' });
}

export const issueUserToken = (secret: string, userId: string, ttlSeconds = 24 * 3600, email?: string) =>
  issue(secret, userId, userAudience, ttlSeconds, email ? { email } : {});

export interface UserClaims {
  userId: string;
  /** The `email` claim, when it is a plausible address. */
  email?: string;
}

/**
 * A user token's subject and email, or null: bad signature, algorithm other than HS256, wrong
 * issuer, expired, no `exp`, a lifetime over the limit, or an audience other than exactly `pulse-user`.
 */
export function verifyUserToken(auth: UserTokenAuth, token: string, nowSeconds = Date.now() / 1000): UserClaims | null {
  let claims: string | jwt.JwtPayload;
  try {
    claims = jwt.verify(token, auth.secret, { algorithms: ['HS256'], issuer: 'pulse', audience: userAudience });
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || userClaimsProblem(claims, nowSeconds, auth) !== null) return null;
  const email = claims.email;
  const plausible = typeof email === 'string' && email.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(email);
  return { userId: claims.sub as string, ...(plausible ? { email } : {}) };
}

/** User routes: a valid user bearer token, else 401 (which claim failed is not said). */
export function requireUser(auth: UserTokenAuth): RequestHandler {
  return (req, res, next) => {
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(req.headers.authorization ?? '');
    const user = match ? verifyUserToken(auth, match[1] as string) : null;
    if (!user) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      next(new HttpError(401, 'unauthenticated', 'a valid, unexpired bearer token is required'));
      return;
    }
    res.locals.userId = user.userId;
    if (user.email) res.locals.userEmail = user.email;
    next();
  };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Admin routes: a live admin session (cookie) is required, and on every state-changing
 * request (POST/PUT/PATCH/DELETE) its CSRF token in `x-csrf-token`. Bearer tokens are ignored.
 * A missing or wrong CSRF token answers 403 and is audited as `csrf.rejected` (denied).
 * Each session has its own request rate (`perSession`, ADMIN_REQUESTS_PER_MINUTE): past it, 429.
 */
export function requireAdmin(sessions: AdminSessions, perSession: RequestRate): RequestHandler {
  return async (req, res, next) => {
    const session = await sessions.lookup(req);
    if (!session) throw new HttpError(401, 'unauthenticated', 'an admin session is required: log in with POST /api/admin/session');
    res.locals.adminId = session.adminId;
    res.locals.adminEmail = session.email;
    res.locals.adminSession = session;
    setAuditActor(req, session.email);
    await countRequest(perSession, res, session.id, 'per admin session');
    if (!safeMethods.has(req.method) && !sessions.csrfValid(session, req.get(csrfHeader))) {
      await audit(req, 'csrf.rejected', `${req.method} ${req.baseUrl}${req.path}`, 'denied');
      throw new HttpError(403, 'csrf_failed', `a valid ${csrfHeader} header is required on this request`);
    }
    next();
  };
}
