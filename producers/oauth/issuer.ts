// What Pulse needs from an OAuth provider: a URL that starts consent, a code exchange and a
// refresh. Token values pass through here on their way to the credential store only.
export interface TokenGrant {
  accessToken: string;
  /** Absent when the provider keeps the previous refresh token valid. */
  refreshToken: string | null;
  scopes: string[];
  expiresAt: number | null;
  accountHint: string | null;
}

/** The provider said no to a refresh or code (invalid_grant and friends): the user must reconnect. */
export class GrantRefused extends Error {
  constructor(readonly reason: string) {
    super(`the provider refused the grant (${reason})`);
    this.name = 'GrantRefused';
  }
}

export interface OAuthIssuer {
  authorizeUrl(opts: { state: string; redirectUri: string; scopes: string[]; loginHint?: string | null }): string;
  exchangeCode(code: string, redirectUri: string, signal?: AbortSignal): Promise<TokenGrant>;
  refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenGrant>;
}

/** Reads a JSON body or fails with a sanitized error (never the body itself: it may hold tokens). */
export async function jsonBody(res: Response, what: string): Promise<Record<string, unknown>> {
  try {
    const body = await res.json();
    if (body && typeof body === 'object') return body as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new Error(`${what}: HTTP ${res.status} with a body that is not a JSON object`);
}
