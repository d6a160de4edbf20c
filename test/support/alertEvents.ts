// Builders for alert events (alerts.events) in tests: an alert's transitions, its
// acknowledgement and the notifications sent for it. Transitions carry the alert's facts;
// `anAlert` builds those, by default an integration's alert that notifies its owner.
import { randomUUID } from 'node:crypto';
import type { AlertEvent } from '../../health/events.js';
import type { AlertFacts } from '../../schemas/types.generated.js';

type Of<T extends AlertEvent['type']> = Extract<AlertEvent, { type: T }>;

const t0 = Date.parse('2026-11-01T10:00:00Z');

export function anAlert(overrides: Partial<AlertFacts> = {}): AlertFacts {
  return {
    ruleId: 'rule-1', ruleName: 'Red integrations', ruleKind: 'integration_red', severity: 'warning',
    scope: { type: 'integration', provider: 'http', integrationId: 'int-1', userId: 'user-1' }, openedAt: t0,
    summary: 'Billing API: 3 checks failed in a row (timeout)', channels: [{ type: 'email', to: ['ops@example.com'], webhookId: null }],
    notifyOwner: true, ...overrides,
  };
}

/** The evaluator's eventId for a transition is `<alertId>:<raised|escalated|resolved>`. */
export function aRaise(overrides: Partial<Of<'AlertRaised'>> = {}): Of<'AlertRaised'> {
  const alertId = overrides.alertId ?? randomUUID();
  return { eventId: `${alertId}:raised`, alertId, occurredAt: t0, type: 'AlertRaised', alert: anAlert(), facts: { errorCode: 'timeout', failures: '3' }, flapping: false, ...overrides };
}

export function anEscalation(overrides: Partial<Of<'AlertEscalated'>> & { alertId: string }): Of<'AlertEscalated'> {
  return { eventId: `${overrides.alertId}:escalated`, occurredAt: t0 + 900_000, type: 'AlertEscalated', alert: anAlert(), ...overrides };
}

export function aResolution(overrides: Partial<Of<'AlertResolved'>> & { alertId: string }): Of<'AlertResolved'> {
  return {
    eventId: `${overrides.alertId}:resolved`, occurredAt: t0 + 1_800_000, type: 'AlertResolved',
    alert: anAlert({ summary: 'Billing API answers again' }), reason: 'recovered', ...overrides,
  };
}

export function anAcknowledgement(overrides: Partial<Of<'AlertAcknowledged'>> & { alertId: string }): Of<'AlertAcknowledged'> {
  return { eventId: randomUUID(), occurredAt: t0 + 600_000, type: 'AlertAcknowledged', by: 'ops@example.com', note: null, ...overrides };
}

export function aDelivery(overrides: Partial<Of<'NotificationSent'>> & { alertId: string }): Of<'NotificationSent'> {
  return {
    eventId: randomUUID(), occurredAt: t0 + 60_000, type: 'NotificationSent', transitionId: `${overrides.alertId}:raised`,
    channel: 'email:1', digestId: randomUUID(), attempts: 1, ...overrides,
  };
}

export function aFailedDelivery(overrides: Partial<Of<'NotificationFailed'>> & { alertId: string }): Of<'NotificationFailed'> {
  return {
    eventId: randomUUID(), occurredAt: t0 + 60_000, type: 'NotificationFailed', transitionId: `${overrides.alertId}:raised`,
    channel: 'webhook:webhook-1', digestId: randomUUID(), attempts: 3, reason: 'HTTP 503', ...overrides,
  };
}
