// One check of one integration, with self-healing for OAuth providers:
// - refresh the access token ahead of expiry (and at least daily), one refresh at a time per
//   integration (row lock in the credential store, so also across workers after a rebalance);
// - when the provider rejects the token, refresh and run the check again at once;
// - when the refresh is refused or a scope is missing, say so once with ReauthRequired.
// Tokens go from the store to the provider and nowhere else.
import type { LifecycleEvent } from '../health/events.js';
import type { CredentialStore, StoredCredentials } from '../platform/credentialStore.js';
import type { CheckTrigger } from '../schemas/types.generated.js';
import type { ProviderCheck } from './checks/provider.js';
import { GrantRefused, type OAuthIssuer } from './oauth/issuer.js';
import type { IssuerName } from './oauth/index.js';
import { runCheck, type CheckEnv, type CheckResult, type ScheduledIntegration } from './runCheck.js';

const DAY_MS = 86_400_000;

export interface CheckIntegrationDeps {
  env: CheckEnv;
  providers: Record<string, ProviderCheck<any>>;
  credentials: CredentialStore;
  issuers: Record<IssuerName, OAuthIssuer>;
  refreshAheadMs: number;
  emit(event: LifecycleEvent): Promise<void>;
  /** Reauth reasons already announced, per integration (kept in step by the worker from the log). */
  reauthAnnounced: Map<string, string>;
}

type RefreshTrigger = 'ahead_of_expiry' | 'daily' | 'rejected_token';

/** Pure: does this stored token need refreshing now, and why? */
export function refreshDue(c: StoredCredentials, now: number, aheadMs: number): RefreshTrigger | null {
  if (!c.refreshToken) return null;
  if (c.expiresAt !== null && c.expiresAt - now <= aheadMs) return 'ahead_of_expiry';
  if (now - c.refreshedAt >= DAY_MS) return 'daily';
  return null;
}

const rejectedToken = new Set(['unauthorized', 'token_expired']);

export async function checkIntegration(i: ScheduledIntegration, trigger: CheckTrigger, attempt: number, deps: CheckIntegrationDeps, requestId: string | null = null): Promise<CheckResult> {
  const provider = deps.providers[i.provider];
  if (!provider?.oauth) return runCheck(i, provider, trigger, deps.env, { attempt, requestId });
  const issuer = deps.issuers[provider.oauth.issuer];
  const meta = () => ({ eventId: deps.env.newId(), integrationId: i.integrationId, userId: i.userId, occurredAt: deps.env.now() });

  const announceReauth = async (reason: string, detail: string) => {
    if (deps.reauthAnnounced.get(i.integrationId) === reason) return;
    deps.reauthAnnounced.set(i.integrationId, reason);
    await deps.emit({ ...meta(), type: 'ReauthRequired', reason, detail });
  };

  /** Refreshes under the row lock; if another worker refreshed meanwhile, uses its token. */
  const refresh = async (seen: StoredCredentials, why: RefreshTrigger): Promise<StoredCredentials | GrantRefused> => {
    let refreshed = false;
    const result = await deps.credentials.withLock<StoredCredentials | GrantRefused>(i.integrationId, async (current) => {
      if (!current) return { result: seen };
      if (current.refreshedAt > seen.refreshedAt || !current.refreshToken) return { result: current };
      try {
        const grant = await issuer.refresh(current.refreshToken, AbortSignal.timeout(deps.env.timeoutMs));
        const next = { ...current, accessToken: grant.accessToken, refreshToken: grant.refreshToken, scopes: grant.scopes.length ? grant.scopes : current.scopes, expiresAt: grant.expiresAt };
        refreshed = true;
        return { save: next, result: { ...next, refreshedAt: deps.env.now() } };
      } catch (err) {
        if (err instanceof GrantRefused) return { result: err };
        throw err;
      }
    });
    if (refreshed && !(result instanceof GrantRefused)) {
      await deps.emit({ ...meta(), type: 'CredentialsRefreshed', expiresAt: result.expiresAt, scopes: result.scopes, trigger: why });
    }
    return result;
  };

  const run = (c: StoredCredentials | null) =>
    runCheck(i, provider, trigger, deps.env, {
      attempt,
      requestId,
      credentials: c && { accessToken: c.accessToken, appToken: c.appToken, scopes: c.scopes, expiresAt: c.expiresAt },
      refreshable: Boolean(c?.refreshToken),
    });

  let creds = await deps.credentials.load(i.integrationId);
  if (!creds) return run(null); // the check reports invalid_config: nothing to check with
  const due = refreshDue(creds, deps.env.now(), deps.refreshAheadMs);
  if (due) {
    const r = await refresh(creds, due);
    if (r instanceof GrantRefused) return revoked(await run(creds), r, announceReauth);
    creds = r;
  }

  let result = await run(creds);
  if (result.error && rejectedToken.has(result.error.code) && creds.refreshToken) {
    const t0 = deps.env.monotonic();
    const r = await refresh(creds, 'rejected_token');
    if (r instanceof GrantRefused) return revoked(result, r, announceReauth);
    const again = await run(r);
    // One event for the cycle: what the healed check saw, plus the refresh that healed it.
    again.steps.unshift({ name: 'token_refresh', durationMs: Math.round(deps.env.monotonic() - t0), outcome: 'succeeded', detail: 'access token was rejected; refreshed it' });
    result = again;
  }
  const code = result.error?.code;
  if (result.outcome === 'succeeded') deps.reauthAnnounced.delete(i.integrationId); // a later failure is news again
  if (code === 'scope_missing' || code === 'write_permission_missing') await announceReauth(code, result.error?.message ?? '');
  else if (code && rejectedToken.has(code)) await announceReauth('unauthorized', result.error?.message ?? '');
  else if (code === 'token_revoked') await announceReauth('token_revoked', result.error?.message ?? '');
  return result;
}

async function revoked(result: CheckResult, refused: GrantRefused, announce: (reason: string, detail: string) => Promise<void>): Promise<CheckResult> {
  const message = `the provider refused to refresh the token (${refused.reason})`;
  await announce('token_revoked', message);
  return {
    ...result,
    outcome: 'failed',
    error: { code: 'token_revoked', message, retryAfterSeconds: null },
    steps: [...result.steps, { name: 'token_refresh', durationMs: 0, outcome: 'failed', detail: message }],
  };
}
