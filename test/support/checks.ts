// Builders for HealthChecked events in tests.
import { randomUUID } from 'node:crypto';
import type { HealthChecked } from '../../health/events.js';

export function aCheck(overrides: Partial<HealthChecked> = {}): HealthChecked {
  const startedAt = overrides.startedAt ?? Date.parse('2026-11-01T10:00:00Z');
  const durationMs = overrides.durationMs ?? 120;
  return {
    type: 'HealthChecked',
    eventId: randomUUID(),
    integrationId: 'int-1',
    userId: 'user-1',
    provider: 'http',
    trigger: 'scheduled',
    attempt: 1,
    startedAt,
    completedAt: startedAt + durationMs,
    durationMs,
    outcome: 'succeeded',
    steps: [{ name: 'request', durationMs, outcome: 'succeeded', detail: 'HTTP 200' }],
    httpStatus: 200,
    error: null,
    quota: null,
    nextCheckAt: startedAt + 300_000,
    tokenExpiresAt: null,
    tokenRefreshable: true,
    requestId: null,
    ...overrides,
  };
}

export function aFailedCheck(code: string, overrides: Partial<HealthChecked> = {}): HealthChecked {
  return aCheck({ outcome: 'failed', httpStatus: null, error: { code, message: code, retryAfterSeconds: null }, ...overrides });
}
