// What a user token's claims must say beyond a valid signature (docs/security.md, "User tokens").
// jsonwebtoken checks the signature, the algorithm, `iss`, `nbf` and an `exp` in the past, but
// accepts a token without `exp` (valid forever) and any `aud` array that merely contains the
// audience. These rules close both: a token that leaks stops working within the configured
// lifetime, and a token minted for several audiences is not a user token.
export const userAudience = 'pulse-user';

/** USER_TOKEN_MAX_LIFETIME_HOURS's default, for callers that are not given the setting. */
export const defaultUserTokenMaxLifetimeSeconds = 24 * 3600;

export interface UserTokenRules {
  /** Longest allowed `exp - iat` (or `exp - now` when the token has no `iat`). */
  maxLifetimeSeconds: number;
}

/** Why the claims are refused (a short reason for logs, never shown to the caller), or null when they are fine. */
export function userClaimsProblem(claims: Record<string, unknown>, nowSeconds: number, rules: UserTokenRules): string | null {
  const { exp, iat, aud, sub } = claims;
  if (typeof sub !== 'string' || sub === '') return 'no subject';
  if (!exactlyUserAudience(aud)) return 'wrong audience';
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'no expiry';
  if (exp <= nowSeconds) return 'expired';
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) return 'malformed issued-at';
  if (typeof iat === 'number' && exp - iat > rules.maxLifetimeSeconds) return 'lifetime too long';
  // Without `iat`, or with one in the future, the lifetime still left is what counts.
  if (exp - nowSeconds > rules.maxLifetimeSeconds + clockSkewSeconds) return 'lifetime too long';
  return null;
}

/** How far the issuer's clock may be ahead of ours. */
export const clockSkewSeconds = 60;

/** `aud` is the user audience itself, or an array holding that one value and nothing else. */
function exactlyUserAudience(aud: unknown): boolean {
  if (aud === userAudience) return true;
  return Array.isArray(aud) && aud.length === 1 && aud[0] === userAudience;
}
