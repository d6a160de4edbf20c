// One-click reconnect: fetch a fresh signed link (they last 10 minutes, so never reuse an old
// one), remember where the user was, and hand the browser to the provider's consent page.
// The OAuth callback brings it back to /integrations/<id>?reconnected=1 (useOAuthReturn).
import { fetchHealth } from '../api/userApi';

const returnKey = 'pulse.oauthReturnTo';

export async function startReconnect(integrationId: string): Promise<'redirected' | 'not-needed'> {
  const health = await fetchHealth(integrationId);
  if (!health.reconnectUrl) return 'not-needed';
  sessionStorage.setItem(returnKey, JSON.stringify({ integrationId, path: location.pathname }));
  location.assign(health.reconnectUrl);
  return 'redirected';
}

/** Where to go after the callback: the page the reconnect started from, if it was for this integration. */
export function takeReturnPath(integrationId: string): string | null {
  const raw = sessionStorage.getItem(returnKey);
  sessionStorage.removeItem(returnKey);
  try {
    const saved = raw ? JSON.parse(raw) : null;
    return saved?.integrationId === integrationId && typeof saved.path === 'string' && saved.path.startsWith('/') ? saved.path : null;
  } catch {
    return null;
  }
}
