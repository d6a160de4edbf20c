// Builders for admin events in tests: audit entries (audit.events) and alerting configuration
// (config.events: rules, webhooks, suppressions).
import { randomUUID } from 'node:crypto';
import type { AdminActionPerformed, ConfigEvent } from '../../health/events.js';

const t0 = Date.parse('2026-11-01T10:00:00Z');

export function anAdminAction(overrides: Partial<AdminActionPerformed> = {}): AdminActionPerformed {
  return {
    type: 'AdminActionPerformed', eventId: randomUUID(), actor: 'ops@example.com', action: 'admin.login', target: null,
    outcome: 'success', sourceIp: '203.0.113.7', userAgent: 'Mozilla/5.0', occurredAt: t0, ...overrides,
  };
}

type Of<T extends ConfigEvent['type']> = Extract<ConfigEvent, { type: T }>;
const meta = (m: Partial<Pick<ConfigEvent, 'entityId' | 'actor' | 'occurredAt'>>) => ({ eventId: randomUUID(), entityId: 'rule-1', actor: 'ops@example.com', occurredAt: t0, ...m });

export function aRuleSaved(overrides: Partial<Of<'AlertRuleSaved'>> = {}): Of<'AlertRuleSaved'> {
  return {
    ...meta(overrides), type: 'AlertRuleSaved', name: 'Red integrations', kind: 'integration_red', params: '{}', enabled: true,
    severity: 'warning', provider: null, cooldownSeconds: 300, escalateAfterSeconds: null,
    channels: [{ type: 'email', to: ['ops@example.com'], webhookId: null }], escalationChannels: [], notifyOwner: true, ...overrides,
  };
}

export function aRuleDeleted(overrides: Partial<Of<'AlertRuleDeleted'>> = {}): Of<'AlertRuleDeleted'> {
  return { ...meta(overrides), type: 'AlertRuleDeleted', ...overrides };
}

export function aWebhookSaved(overrides: Partial<Of<'WebhookSaved'>> = {}): Of<'WebhookSaved'> {
  return { ...meta({ entityId: 'webhook-1', ...overrides }), type: 'WebhookSaved', name: 'On-call', urlOrigin: 'https://hooks.example.com', enabled: true, ...overrides };
}

export function aWebhookDisabled(overrides: Partial<Of<'WebhookDisabled'>> = {}): Of<'WebhookDisabled'> {
  return { ...meta({ entityId: 'webhook-1', ...overrides }), type: 'WebhookDisabled', reason: 'the receiver answered 410 Gone', ...overrides };
}

export function aWebhookDeleted(overrides: Partial<Of<'WebhookDeleted'>> = {}): Of<'WebhookDeleted'> {
  return { ...meta({ entityId: 'webhook-1', ...overrides }), type: 'WebhookDeleted', ...overrides };
}

export function aSuppressionSaved(overrides: Partial<Of<'SuppressionSaved'>> = {}): Of<'SuppressionSaved'> {
  return {
    ...meta({ entityId: 'suppression-1', ...overrides }), type: 'SuppressionSaved', ruleId: null, provider: 'gmail', integrationId: null,
    startsAt: null, endsAt: t0 + 3_600_000, reason: 'Gmail maintenance', ...overrides,
  };
}

export function aSuppressionDeleted(overrides: Partial<Of<'SuppressionDeleted'>> = {}): Of<'SuppressionDeleted'> {
  return { ...meta({ entityId: 'suppression-1', ...overrides }), type: 'SuppressionDeleted', ...overrides };
}
