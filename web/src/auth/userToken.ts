// The user's bearer token. The host product links here with `#token=<jwt>`: fragments never
// reach a server or its logs. We move it to sessionStorage (this tab only, gone when the tab
// closes) and strip it from the address bar so it is not bookmarked, shared or screenshotted.
import { useSyncExternalStore } from 'react';

const storageKey = 'pulse.userToken';

export interface UserToken {
  jwt: string;
  userId: string;
  /** Epoch ms, or null if the token does not say. */
  expiresAt: number | null;
}

/** Why there is no usable token: never had one, or the API stopped accepting it. */
export type SignedOutReason = 'none' | 'expired';

const listeners = new Set<() => void>();
let signedOutReason: SignedOutReason = 'none';
let cached: { jwt: string | null; token: UserToken | null } = { jwt: null, token: null };
const emit = () => listeners.forEach((l) => l());

function decode(jwt: string): UserToken | null {
  const payload = jwt.split('.')[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    if (typeof json.sub !== 'string') return null;
    return { jwt, userId: json.sub, expiresAt: typeof json.exp === 'number' ? json.exp * 1000 : null };
  } catch {
    return null;
  }
}

/**
 * Takes a token from the fragment and removes it from the address bar. Runs on load and on
 * `hashchange`: following a sign-in link while Pulse is open changes only the fragment.
 */
export function adoptTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!match?.[1]) return;
  const jwt = decodeURIComponent(match[1]);
  if (decode(jwt)) {
    sessionStorage.setItem(storageKey, jwt);
    signedOutReason = 'none';
  }
  const rest = window.location.hash.replace(/(^#|&)token=[^&]+/, '$1').replace(/^#&?$/, '');
  history.replaceState(history.state, '', window.location.pathname + window.location.search + rest);
  emit();
}

export function currentToken(): UserToken | null {
  const jwt = sessionStorage.getItem(storageKey);
  if (jwt !== cached.jwt) cached = { jwt, token: jwt ? decode(jwt) : null };
  const token = cached.token;
  if (token?.expiresAt != null && token.expiresAt <= Date.now()) return null;
  return token;
}

/** A token the user pasted on the sign-in page. */
export function adoptToken(jwt: string): boolean {
  const token = decode(jwt.trim());
  if (!token || (token.expiresAt !== null && token.expiresAt <= Date.now())) return false;
  sessionStorage.setItem(storageKey, token.jwt);
  signedOutReason = 'none';
  emit();
  return true;
}

/** The API refused the token (401): forget it and say so. */
export function tokenRejected(): void {
  if (!sessionStorage.getItem(storageKey)) return;
  sessionStorage.removeItem(storageKey);
  signedOutReason = 'expired';
  emit();
}

export function useUserToken(): { token: UserToken | null; reason: SignedOutReason } {
  const token = useSyncExternalStore((l) => (listeners.add(l), () => listeners.delete(l)), currentToken);
  return { token, reason: token ? 'none' : currentTokenExpired() ? 'expired' : signedOutReason };
}

function currentTokenExpired(): boolean {
  const jwt = sessionStorage.getItem(storageKey);
  const token = jwt ? decode(jwt) : null;
  return !!token?.expiresAt && token.expiresAt <= Date.now();
}
