// User authentication: `Authorization: Bearer <JWT>` signed HS256 with the configured secret,
// `sub` = user id. The token itself is never logged or echoed.
import jwt from 'jsonwebtoken';
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

export interface AuthedLocals {
  userId: string;
}

export function issueUserToken(secret: string, userId: string, ttlSeconds = 24 * 3600): string {
  return jwt.sign({}, secret, { algorithm: 'HS256', subject: userId, expiresIn: ttlSeconds, issuer: 'pulse' });
}

export function verifyUserToken(secret: string, token: string): string | null {
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], issuer: 'pulse' });
    return typeof claims === 'object' && typeof claims.sub === 'string' && claims.sub ? claims.sub : null;
  } catch {
    return null;
  }
}

export function requireUser(secret: string): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
    const userId = match ? verifyUserToken(secret, match[1] as string) : null;
    if (!userId) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      next(new HttpError(401, 'unauthenticated', 'a valid bearer token is required'));
      return;
    }
    (res.locals as AuthedLocals).userId = userId;
    next();
  };
}
