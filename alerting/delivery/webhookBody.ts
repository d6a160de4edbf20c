// The JSON a webhook receiver gets: one shape for every transition kind (fields that do not
// apply are empty, not missing), times as ISO strings, and nothing about where else we notify.
import type { AlertTransition } from '../types.js';
import { kindOf, newestFirst, type TransitionKind } from './render.js';

export interface WebhookAlert {
  transitionId: string;
  alertId: string;
  ruleId: string;
  ruleName: string;
  ruleKind: string;
  kind: TransitionKind;
  severity: string;
  scope: { type: 'integration'; integrationId: string; userId: string; provider: string } | { type: 'provider'; provider: string };
  summary: string;
  facts: Record<string, string | number | null>;
  flapping: boolean;
  resolvedReason: string | null;
  occurredAt: string;
  openedAt: string;
}

export interface WebhookPayload {
  type: 'pulse.alerts';
  sentAt: string;
  alerts: WebhookAlert[];
}

export function webhookBody(transitions: readonly AlertTransition[], sentAt: number = Date.now()): WebhookPayload {
  return {
    type: 'pulse.alerts',
    sentAt: new Date(sentAt).toISOString(),
    alerts: newestFirst(transitions).map((t) => ({
      transitionId: t.transitionId,
      alertId: t.alertId,
      ruleId: t.ruleId,
      ruleName: t.ruleName,
      ruleKind: t.ruleKind,
      kind: kindOf(t),
      severity: t.severity,
      // Field by field, so nothing added to a scope later leaves by accident.
      scope: t.scope.type === 'integration'
        ? { type: 'integration', integrationId: t.scope.integrationId, userId: t.scope.userId, provider: t.scope.provider }
        : { type: 'provider', provider: t.scope.provider },
      summary: t.summary,
      facts: t.type === 'AlertRaised' ? { ...t.facts } : {},
      flapping: t.type === 'AlertRaised' && t.flapping,
      resolvedReason: t.type === 'AlertResolved' ? t.reason : null,
      occurredAt: new Date(t.occurredAt).toISOString(),
      openedAt: new Date(t.openedAt).toISOString(),
    })),
  };
}
