// What a provider is: a validated config and a check that observes facts. Add a provider by
// writing one module that exports a ProviderCheck and listing it in ./index.ts.
import type { z } from 'zod';
import type { Egress } from '../../platform/egress/index.js';
import type { CheckError, CheckOutcome, CheckStep, QuotaUsage } from '../../schemas/types.generated.js';

export interface CheckObservation {
  outcome: CheckOutcome;
  steps: CheckStep[];
  httpStatus: number | null;
  error: CheckError | null;
  quota: QuotaUsage | null;
}

/** Decrypted secrets of one integration. Only ever passed to the provider; never logged, never put in an observation. */
export interface Credentials {
  accessToken: string;
  /** Slack app-level token (xapp-…) for the Socket Mode test, where the integration has one. */
  appToken: string | null;
  /** Scopes granted when the token was issued, as the provider reported them. */
  scopes: string[];
  /** When the access token expires (epoch ms), if the provider said. */
  expiresAt: number | null;
}

/** Base URLs of the provider APIs (production: the real hosts; tests and demo: the simulator). */
export interface ProviderEndpoints {
  /** Google APIs host: Gmail (/gmail/v1), Calendar (/calendar/v3), token info (/oauth2/v3/tokeninfo). */
  googleApis: string;
  /** Slack Web API base, e.g. https://slack.com/api (methods appended: /auth.test). */
  slackApi: string;
}

/**
 * The only ways a check reaches the network: every connection is judged by the egress policy
 * on the address it is about to connect to (docs/security.md, "Egress policy").
 */
export interface CheckNetwork {
  /** For what the user configured (an http or MCP URL): public addresses plus EGRESS_ALLOW. */
  targets: Egress;
  /** For the provider APIs the operator configured (`endpoints`): the same plus exactly those endpoints. */
  providers: Egress;
}

export interface CheckContext {
  /** Aborted when the check's time budget is spent. */
  signal: AbortSignal;
  /** Monotonic milliseconds, for step timings. */
  elapsed(): number;
  /** Present for providers with `oauth`; null otherwise. */
  credentials: Credentials | null;
  endpoints: ProviderEndpoints;
  network: CheckNetwork;
}

export interface ProviderCheck<C = unknown> {
  provider: string;
  /** Validates the integration's settings (the API answers 400 with its messages). */
  configSchema: z.ZodType<C>;
  /** For providers reached with OAuth tokens: who issues them and the scopes a healthy integration needs. */
  oauth?: { issuer: 'google' | 'slack'; requiredScopes: string[] };
  /** The URL the user chose, for providers that connect where the user says: judged by the egress policy when saved. */
  target?(config: C): string;
  check(config: C, ctx: CheckContext): Promise<CheckObservation>;
}

/** A failed step and observation in one go, for the common "stopped at step X" case. */
export function failedAt(steps: CheckStep[], step: string, startedAt: number, ctx: CheckContext, error: CheckError, httpStatus: number | null = null): CheckObservation {
  steps.push({ name: step, durationMs: Math.round(ctx.elapsed() - startedAt), outcome: 'failed', detail: error.message });
  return { outcome: 'failed', steps, httpStatus, error, quota: null };
}
