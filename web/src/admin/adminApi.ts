// The admin portal's REST calls: the session cookie rides along by itself (same origin,
// Path=/api/admin); the CSRF token from the login answer is kept in memory only and sent on
// every write (docs/admin-auth.md). A reload forgets it, so the portal asks to sign in again.
import { ApiError, request } from '../api/http';

let csrfToken: string | null = null;
let signedInEmail: string | null = null;
let endedByServer = false;
const listeners = new Set<() => void>();

export const adminSignedIn = () => csrfToken !== null;
export const adminEmail = () => signedInEmail;
/** The last session ended on the server's word (expiry, logout elsewhere), not by signing out here. */
export const adminSessionExpired = () => endedByServer;
export const onAdminSessionChange = (l: () => void) => (listeners.add(l), () => void listeners.delete(l));

function ended(byServer = true) {
  if (csrfToken === null) return;
  csrfToken = null;
  endedByServer = byServer;
  listeners.forEach((l) => l());
}

/** The server closed the portal's WebSocket because the session ended. */
export const adminSessionEndedByServer = () => ended(true);

async function guarded<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    // The session is gone (expired, logged out elsewhere, password changed): sign in again.
    if (err instanceof ApiError && (err.status === 401 || err.code === 'csrf_failed')) ended();
    throw err;
  }
}

export const adminGet = <T>(path: string, signal?: AbortSignal) => guarded(request<T>('GET', path, { signal }));

export const adminWrite = <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
  guarded(request<T>(method, path, { body, headers: csrfToken ? { 'x-csrf-token': csrfToken } : {} }));

export async function adminLogin(email: string, password: string): Promise<void> {
  const { csrfToken: token } = await request<{ csrfToken: string }>('POST', '/api/admin/session', { body: { email, password } });
  csrfToken = token;
  endedByServer = false;
  signedInEmail = email.trim().toLowerCase();
  listeners.forEach((l) => l());
}

export async function adminLogout(): Promise<void> {
  try {
    await adminWrite('DELETE', '/api/admin/session');
  } finally {
    signedInEmail = null;
    ended(false);
  }
}

/** Who the cookie belongs to, if it is still valid (to pre-fill the login after a reload). */
export async function currentAdmin(): Promise<string | null> {
  try {
    return (await request<{ email: string }>('GET', '/api/admin/session')).email;
  } catch {
    return null;
  }
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
