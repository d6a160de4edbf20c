// /api/admin/session and /api/admin/password: the admin portal's login, logout, "who am I"
// and password change (docs/admin-auth.md). Login is the only admin route open without a
// session. Wrong email and wrong password answer the same 401 in about the same time.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { adminExists, maxPasswordLength, minPasswordLength, normalizeEmail, setAdminPassword, verifyAdminCredentials, warmUpAdminAccounts } from '../adminAccounts.js';
import type { AdminLoginLimiter } from '../adminLoginLimit.js';
import type { RequestRate } from '../requestRate.js';
import { emitAdminSessionsEnded, type AdminSession, type AdminSessions } from '../adminSessions.js';
import { audit } from '../audit.js';
import { HttpError, validate } from '../errors.js';
import { documented } from '../openapi/registry.js';
import type { Db } from '../../platform/db.js';

export interface AdminSessionDeps {
  db: Db;
  adminSessions: AdminSessions;
  adminLoginLimit: AdminLoginLimiter;
  /** Requests per minute per admin session (ADMIN_REQUESTS_PER_MINUTE), counted by requireAdmin. */
  adminRequestRate: RequestRate;
}

const loginBody = z.object({
  email: z.string({ error: 'must be a string' }).min(1, 'is required').max(254, 'is too long'),
  password: z.string({ error: 'must be a string' }).min(1, 'is required').max(maxPasswordLength, 'is too long'),
}).strict();

const passwordBody = z.object({
  current: z.string({ error: 'must be a string' }).min(1, 'is required').max(maxPasswordLength, 'is too long'),
  next: z.string({ error: 'must be a string' }).min(minPasswordLength, `must be at least ${minPasswordLength} characters`).max(maxPasswordLength, 'is too long'),
}).strict();

const tag = 'Admin: session';
const loggedIn = z.object({ csrfToken: z.string().meta({ description: `send it back as x-csrf-token on every admin write; returned nowhere else` }) });
const whoAmI = z.object({ email: z.string() });
const tooManyAttempts = {
  description: '`too_many_attempts`: too many attempts from this email or IP within the window (each is counted before the password is checked; a right one is given back)',
  headers: { 'Retry-After': 'seconds to wait' },
};

const invalidCredentials = () => new HttpError(401, 'invalid_credentials', 'wrong email or password');
const clientIp = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

function tooMany(res: import('express').Response, seconds: number): HttpError {
  res.setHeader('Retry-After', String(seconds));
  return new HttpError(429, 'too_many_attempts', `too many failed attempts; try again in ${seconds} s`);
}

/** Open routes: POST /session (login). */
export function adminLoginRoutes(deps: AdminSessionDeps): Router {
  const api = documented(Router(), { tag, auth: 'none' });
  void warmUpAdminAccounts(); // the decoy hash, so the first unknown email is not slower

  api.post('/session', {
    summary: 'Log in to the admin portal',
    description: 'Sets the session cookie (HttpOnly, SameSite=Strict, Path=/api/admin) and returns the CSRF token. '
      + 'A wrong password and an unknown email answer the same 401. Failed attempts are limited per email and per client IP.',
    body: loginBody,
    responses: {
      200: { description: 'logged in; `Set-Cookie: pulse_admin=…`', body: loggedIn, headers: { 'Set-Cookie': 'the session cookie' } },
      401: '`invalid_credentials`: wrong email or password',
      429: tooManyAttempts,
    },
  }, async (req, res) => {
    const body = validate(loginBody, req.body ?? {});
    const email = normalizeEmail(body.email);
    const ip = clientIp(req);
    // Audit names the account only if it exists: what was typed may be anything (a password).
    const actor = async () => ((await adminExists(deps.db, email)) ? email : 'unknown');
    // The attempt is paid for before the (slow) password check, so parallel guesses cannot outrun the count.
    const attempt = await deps.adminLoginLimit.attempt(ip, email);
    if (!attempt.allowed) {
      await audit(req, 'admin.login', null, 'denied', { actor: await actor() });
      throw tooMany(res, attempt.retryAfterSeconds);
    }
    const account = await verifyAdminCredentials(deps.db, email, body.password);
    if (!account) {
      await audit(req, 'admin.login', null, 'failure', { actor: await actor() });
      throw invalidCredentials();
    }
    await deps.adminLoginLimit.succeeded(ip, email);
    const { csrfToken } = await deps.adminSessions.create(res, account.id);
    await audit(req, 'admin.login', null, 'success', { actor: account.email });
    res.status(200).json({ csrfToken });
  });

  return api.router;
}

/** Routes behind requireAdmin: GET/DELETE /session, POST /password. */
export function adminSessionRoutes(deps: AdminSessionDeps): Router {
  const api = documented(Router(), { tag, auth: 'admin' });
  const sessionOf = (res: import('express').Response) => res.locals.adminSession as AdminSession;

  api.get('/session', { summary: 'Who am I', responses: { 200: { description: 'the logged-in admin', body: whoAmI } } }, (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ email: sessionOf(res).email });
  });

  // Logout ends every session of this admin (all browsers, open WebSockets included).
  api.delete('/session', {
    summary: 'Log out',
    description: 'Ends EVERY session of this admin (all browsers), and closes their open WebSockets (close code 4401).',
    responses: { 204: 'logged out; the cookie is cleared' },
  }, async (req, res) => {
    await deps.adminSessions.endAll(sessionOf(res).adminId);
    deps.adminSessions.clearCookie(res);
    await audit(req, 'admin.logout', null, 'success');
    res.status(204).end();
  });

  api.post('/password', {
    summary: 'Change my password',
    description: 'Checks the current password, then ends every session of this admin (open WebSockets included): log in again.',
    body: passwordBody,
    responses: { 204: 'changed; every session ended, the cookie is cleared', 403: '`invalid_credentials`: the current password is wrong (or `csrf_failed`)',
      429: { ...tooManyAttempts, description: `${tooManyAttempts.description}; or \`rate_limited\`: too many requests in this session` } },
  }, async (req, res) => {
    const session = sessionOf(res);
    const body = validate(passwordBody, req.body ?? {});
    const ip = clientIp(req);
    const attempt = await deps.adminLoginLimit.attempt(ip, session.email);
    if (!attempt.allowed) {
      await audit(req, 'admin.password_change', null, 'denied');
      throw tooMany(res, attempt.retryAfterSeconds);
    }
    if (!(await verifyAdminCredentials(deps.db, session.email, body.current))) {
      await audit(req, 'admin.password_change', null, 'failure');
      throw new HttpError(403, 'invalid_credentials', 'the current password is wrong');
    }
    await deps.adminLoginLimit.succeeded(ip, session.email);
    await setAdminPassword(deps.db, session.email, body.next); // ends every session in the same transaction
    emitAdminSessionsEnded(session.adminId);
    deps.adminSessions.clearCookie(res);
    await audit(req, 'admin.password_change', null, 'success');
    res.status(204).end();
  });

  return api.router;
}
