// Admin portal sessions for tests: create an admin account (the store function the CLI
// uses), log in through POST /api/admin/session, and make admin calls with the session
// cookie and, on writes, the CSRF token — as a browser with the portal would.
import { randomBytes } from 'node:crypto';
import { createAdminAccount } from '../../api/adminAccounts.js';
import { adminCookieName } from '../../api/adminSessions.js';
import type { ApiResponse, RunningPulse } from './pulse.js';

export interface AdminCredentials {
  email: string;
  password: string;
}

export interface AdminCall {
  (method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string>; csrf?: boolean }): Promise<ApiResponse>;
  email: string;
  /** `pulse_admin=<value>`, for a Cookie header. */
  cookie: string;
  csrfToken: string;
}

/**
 * A fresh admin account with a random password (unique email per call unless given). It may
 * manage admins unless told otherwise, like every admin before that right existed.
 */
export async function createTestAdmin(pulse: RunningPulse, email = `admin-${randomBytes(4).toString('hex')}@example.test`, opts: { canManageAdmins?: boolean } = {}): Promise<AdminCredentials> {
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  await createAdminAccount(pulse.rt.db, email, password, { canManageAdmins: opts.canManageAdmins ?? true });
  return { email, password };
}

/** The `pulse_admin=…` pair of a response's Set-Cookie, or null. */
export function sessionCookieOf(res: ApiResponse): string | null {
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0] as string;
    if (pair.startsWith(`${adminCookieName}=`) && pair.length > adminCookieName.length + 1) return pair;
  }
  return null;
}

/** Logs in and returns a function making authenticated admin calls (cookie, + CSRF on writes unless `csrf: false`). */
export async function adminSession(pulse: RunningPulse, creds?: AdminCredentials): Promise<AdminCall> {
  const { email, password } = creds ?? (await createTestAdmin(pulse));
  const login = await pulse.api('POST', '/api/admin/session', { body: { email, password } });
  if (login.status !== 200) throw new Error(`admin login failed: HTTP ${login.status} ${login.text}`);
  const cookie = sessionCookieOf(login);
  if (!cookie) throw new Error('admin login set no session cookie');
  const csrfToken = login.body.csrfToken as string;
  const call = ((method, path, { body, headers, csrf = true } = {}) => {
    const write = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
    return pulse.api(method, path, { body, headers: { cookie, ...(write && csrf ? { 'x-csrf-token': csrfToken } : {}), ...headers } });
  }) as AdminCall;
  return Object.assign(call, { email, cookie, csrfToken });
}
