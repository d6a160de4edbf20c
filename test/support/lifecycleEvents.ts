// Builders for integration lifecycle events (integrations.lifecycle) in tests. Each takes the
// integration it is about, so a spec reads as that integration's story.
import { randomUUID } from 'node:crypto';
import type { LifecycleEvent } from '../../health/events.js';

type Of<T extends LifecycleEvent['type']> = Extract<LifecycleEvent, { type: T }>;
type Meta = Pick<LifecycleEvent, 'integrationId' | 'userId' | 'occurredAt'>;

const t0 = Date.parse('2026-11-01T10:00:00Z');
const meta = (m: Partial<Meta>) => ({ eventId: randomUUID(), integrationId: 'int-1', userId: 'user-1', occurredAt: t0, ...m });

export function aConnect(overrides: Partial<Of<'IntegrationConnected'>> = {}): Of<'IntegrationConnected'> {
  return {
    ...meta(overrides), type: 'IntegrationConnected', provider: 'http', displayName: 'Billing API',
    checkIntervalSeconds: 300, config: { url: 'https://billing.example.com/health', method: 'GET', expectedStatus: 200 }, ...overrides,
  };
}

export function anUpdate(overrides: Partial<Of<'IntegrationUpdated'>> = {}): Of<'IntegrationUpdated'> {
  return { ...meta(overrides), type: 'IntegrationUpdated', displayName: null, checkIntervalSeconds: null, config: null, ...overrides };
}

export function aDisconnect(overrides: Partial<Of<'IntegrationDisconnected'>> = {}): Of<'IntegrationDisconnected'> {
  return { ...meta(overrides), type: 'IntegrationDisconnected', reason: null, ...overrides };
}

export function aReauthRequired(overrides: Partial<Of<'ReauthRequired'>> = {}): Of<'ReauthRequired'> {
  return { ...meta(overrides), type: 'ReauthRequired', reason: 'token_revoked', detail: null, ...overrides };
}

export function aReauthCompleted(overrides: Partial<Of<'ReauthCompleted'>> = {}): Of<'ReauthCompleted'> {
  return { ...meta(overrides), type: 'ReauthCompleted', scopes: ['gmail.readonly'], ...overrides };
}

export function aCredentialsRefresh(overrides: Partial<Of<'CredentialsRefreshed'>> = {}): Of<'CredentialsRefreshed'> {
  return { ...meta(overrides), type: 'CredentialsRefreshed', expiresAt: t0 + 3_600_000, scopes: ['gmail.readonly'], trigger: 'ahead_of_expiry', ...overrides };
}
