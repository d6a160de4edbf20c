// What a provider is: a validated config and a check that observes facts. Add a provider by
// writing one module that exports a ProviderCheck and listing it in ./index.ts.
import type { z } from 'zod';
import type { CheckError, CheckOutcome, CheckStep, QuotaUsage } from '../../schemas/types.generated.js';

export interface CheckObservation {
  outcome: CheckOutcome;
  steps: CheckStep[];
  httpStatus: number | null;
  error: CheckError | null;
  quota: QuotaUsage | null;
}

export interface CheckContext {
  /** Aborted when the check's time budget is spent. */
  signal: AbortSignal;
  /** Monotonic milliseconds, for step timings. */
  elapsed(): number;
}

export interface ProviderCheck<C = unknown> {
  provider: string;
  /** Validates the integration's settings (the API answers 400 with its messages). */
  configSchema: z.ZodType<C>;
  check(config: C, ctx: CheckContext): Promise<CheckObservation>;
}

/** A failed step and observation in one go, for the common "stopped at step X" case. */
export function failedAt(steps: CheckStep[], step: string, startedAt: number, ctx: CheckContext, error: CheckError, httpStatus: number | null = null): CheckObservation {
  steps.push({ name: step, durationMs: Math.round(ctx.elapsed() - startedAt), outcome: 'failed', detail: error.message });
  return { outcome: 'failed', steps, httpStatus, error, quota: null };
}
