// Runs one provider check inside its time budget and records what it saw as a HealthChecked fact.
import type { HealthChecked } from '../health/events.js';
import type { CheckTrigger } from '../schemas/types.generated.js';
import type { CheckNetwork, CheckObservation, Credentials, ProviderCheck, ProviderEndpoints } from './checks/provider.js';

export interface ScheduledIntegration {
  integrationId: string;
  userId: string;
  provider: string;
  config: Record<string, unknown>;
  checkIntervalSeconds: number;
}

export type CheckResult = Omit<HealthChecked, 'nextCheckAt'>;

export interface CheckEnv {
  timeoutMs: number;
  endpoints: ProviderEndpoints;
  /** Built once per process from config (egressFromConfig): every connection a check makes goes through it. */
  network: CheckNetwork;
  now: () => number;
  monotonic: () => number;
  newId: () => string;
}

export async function runCheck(
  integration: ScheduledIntegration,
  provider: ProviderCheck | undefined,
  trigger: CheckTrigger,
  env: CheckEnv,
  opts: { credentials?: Credentials | null; attempt?: number; refreshable?: boolean; requestId?: string | null } = {},
): Promise<CheckResult> {
  const startedAt = env.now();
  const t0 = env.monotonic();
  const observation = await observe(integration, provider, env, t0, opts.credentials ?? null);
  const durationMs = Math.max(0, Math.round(env.monotonic() - t0));
  return {
    type: 'HealthChecked',
    eventId: env.newId(),
    integrationId: integration.integrationId,
    userId: integration.userId,
    provider: integration.provider,
    trigger,
    attempt: opts.attempt ?? 1,
    startedAt,
    completedAt: startedAt + durationMs,
    durationMs,
    ...observation,
    tokenExpiresAt: opts.credentials?.expiresAt ?? null,
    tokenRefreshable: opts.credentials ? opts.refreshable ?? false : true,
    requestId: opts.requestId ?? null,
  };
}

async function observe(integration: ScheduledIntegration, provider: ProviderCheck | undefined, env: CheckEnv, t0: number, credentials: Credentials | null): Promise<CheckObservation> {
  const failed = (code: string, message: string): CheckObservation => ({
    outcome: 'failed', steps: [], httpStatus: null, quota: null, error: { code, message, retryAfterSeconds: null },
  });
  if (!provider) return failed('invalid_config', `unknown provider ${integration.provider}`);
  const parsed = provider.configSchema.safeParse(integration.config);
  if (!parsed.success) return failed('invalid_config', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), env.timeoutMs);
  // The deadline wins even over a provider that ignores its abort signal.
  const deadline = new Promise<CheckObservation>((resolve) =>
    controller.signal.addEventListener('abort', () => resolve(failed('timeout', `no result within ${env.timeoutMs} ms`)), { once: true }));
  try {
    return await Promise.race([
      provider.check(parsed.data, { signal: controller.signal, elapsed: () => env.monotonic() - t0, credentials, endpoints: env.endpoints, network: env.network }),
      deadline,
    ]);
  } catch {
    // A provider bug must not leak internals (or secrets) into the event.
    return failed('internal_error', 'the check failed unexpectedly');
  } finally {
    clearTimeout(timer);
  }
}
