// Bearer-token authentication. Tokens are HS256 JWTs signed with the configured secret;
// `sub` is the user (or admin) id and `aud` says which side of the product the token opens:
// a user token never opens admin routes, nor the reverse. (The admin portal's own login with
// sessions replaces admin bearer tokens later; the audience split stays.) Tokens are never
// logged or echoed.
import jwt from 'jsonwebtoken';
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

export type Audience = 'pulse-user' | 'pulse-admin';

export interface AuthedLocals {
  userId: string;
}

export interface AdminLocals {
  adminId: string;
}

function issue(secret: string, subject: string, audience: Audience, ttlSeconds: number): string {
  return jwt.sign({}, secret, { algorithm: 'HS256', subject, audience, expiresIn: ttlSeconds, issuer: 'pulse' });
}

export const issueUserToken = (secret: string, userId: string, ttlSeconds = 24 * 3600) => issue(secret, userId, 'pulse-user', ttlSeconds);
export const issueAdminToken = (secret: string, adminId: string, ttlSeconds = 8 * 3600) => issue(secret, adminId, 'pulse-admin', ttlSeconds);

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
    next();
  };
}

export const requireUser = (secret: string) => bearer('pulse-user', secret, (l, sub) => void (l.userId = sub));
export const requireAdmin = (secret: string) => bearer('pulse-admin', secret, (l, sub) => void (l.adminId = sub));
