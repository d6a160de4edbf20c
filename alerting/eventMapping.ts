// Between the evaluator's core types (alerting/types.ts) and the events on Kafka
// (health/events.ts): config events → rules and suppressions, alert events → inputs,
// transitions → AlertRaised/Escalated/Resolved. The only place that knows both shapes.
import type { AlertEvent, ConfigEvent, PulseEvent } from '../health/events.js';
import type { ChannelRef as WireChannel } from '../schemas/types.generated.js';
import type { AlertRule, AlertScope, AlertTransition, ChannelRef, EvaluatorInput, Suppression } from './types.js';

export class InvalidConfigEvent extends Error {}

export function channelToWire(c: ChannelRef): WireChannel {
  return c.type === 'email' ? { type: 'email', to: c.to, webhookId: null } : { type: 'webhook', to: [], webhookId: c.webhookId };
}

export function channelFromWire(c: WireChannel): ChannelRef {
  return c.type === 'email' ? { type: 'email', to: c.to } : { type: 'webhook', webhookId: c.webhookId ?? '' };
}

/** The AlertRuleSaved event for a rule (what the API and the first start publish). */
export function ruleSavedEvent(rule: AlertRule, meta: { eventId: string; actor: string; occurredAt: number }): ConfigEvent {
  return {
    type: 'AlertRuleSaved', eventId: meta.eventId, entityId: rule.id, actor: meta.actor, occurredAt: meta.occurredAt,
    name: rule.name, kind: rule.kind, params: JSON.stringify(rule.params), enabled: rule.enabled, severity: rule.severity,
    provider: rule.provider, cooldownSeconds: rule.cooldownSeconds, escalateAfterSeconds: rule.escalateAfterSeconds,
    channels: rule.channels.map(channelToWire), escalationChannels: rule.escalationChannels.map(channelToWire), notifyOwner: rule.notifyOwner,
  };
}

/** The rule an AlertRuleSaved describes; unvalidated (the caller validates with alertRuleSchema). */
export function ruleFromEvent(e: Extract<ConfigEvent, { type: 'AlertRuleSaved' }>): unknown {
  let params: unknown;
  try {
    params = JSON.parse(e.params);
  } catch {
    throw new InvalidConfigEvent('rule params are not JSON');
  }
  return {
    id: e.entityId, name: e.name, kind: e.kind, params, enabled: e.enabled, severity: e.severity, provider: e.provider,
    cooldownSeconds: e.cooldownSeconds, escalateAfterSeconds: e.escalateAfterSeconds,
    channels: e.channels.map(channelFromWire), escalationChannels: e.escalationChannels.map(channelFromWire), notifyOwner: e.notifyOwner,
  };
}

export function suppressionFromEvent(e: Extract<ConfigEvent, { type: 'SuppressionSaved' }>): Suppression {
  return { id: e.entityId, ruleId: e.ruleId, provider: e.provider, integrationId: e.integrationId, startsAt: e.startsAt, endsAt: e.endsAt, reason: e.reason };
}

/**
 * What an event means to the evaluator, if anything. `parseRule` validates a saved rule
 * (alertRuleSchema.parse); it throws for one that is not valid.
 */
export function evaluatorInputOf(event: PulseEvent, parseRule: (raw: unknown) => AlertRule): EvaluatorInput | null {
  switch (event.type) {
    case 'HealthChecked':
      return { kind: 'check', check: event };
    case 'IntegrationConnected':
    case 'IntegrationUpdated':
    case 'IntegrationDisconnected':
    case 'CredentialsRefreshed':
    case 'ReauthRequired':
    case 'ReauthCompleted':
      return { kind: 'lifecycle', event };
    case 'AlertRuleSaved':
      return { kind: 'rule_saved', rule: parseRule(ruleFromEvent(event)), at: event.occurredAt };
    case 'AlertRuleDeleted':
      return { kind: 'rule_deleted', ruleId: event.entityId, at: event.occurredAt };
    case 'SuppressionSaved':
      return { kind: 'suppression_saved', suppression: suppressionFromEvent(event), at: event.occurredAt };
    case 'SuppressionDeleted':
      return { kind: 'suppression_deleted', suppressionId: event.entityId, at: event.occurredAt };
    case 'AlertAcknowledged':
      return { kind: 'acknowledged', alertId: event.alertId, by: event.by, at: event.occurredAt };
    case 'EvaluatorTicked':
      return { kind: 'tick', now: event.at };
    default:
      return null;
  }
}

function scopeToWire(s: AlertScope) {
  return s.type === 'integration'
    ? { type: 'integration' as const, provider: s.provider, integrationId: s.integrationId, userId: s.userId }
    : { type: 'provider' as const, provider: s.provider, integrationId: null, userId: null };
}

/** The event that records a transition; its eventId is the transitionId, so a retry is recognisable. */
export function transitionEvent(t: AlertTransition): AlertEvent {
  const alert = {
    ruleId: t.ruleId, ruleName: t.ruleName, ruleKind: t.ruleKind, severity: t.severity, scope: scopeToWire(t.scope),
    openedAt: t.openedAt, summary: t.summary, channels: t.channels.map(channelToWire), notifyOwner: t.type === 'AlertEscalated' ? false : t.notifyOwner,
  };
  const meta = { eventId: t.transitionId, alertId: t.alertId, occurredAt: t.occurredAt };
  switch (t.type) {
    case 'AlertRaised': {
      const facts: Record<string, string> = {};
      for (const [k, v] of Object.entries(t.facts)) if (v !== null) facts[k] = String(v);
      return { ...meta, type: 'AlertRaised', alert, facts, flapping: t.flapping };
    }
    case 'AlertEscalated':
      return { ...meta, type: 'AlertEscalated', alert };
    case 'AlertResolved':
      return { ...meta, type: 'AlertResolved', alert, reason: t.reason };
  }
}

/** The transition an AlertRaised/Escalated/Resolved event records (for the notifier's templates). */
export function transitionFromEvent(e: Extract<AlertEvent, { type: 'AlertRaised' | 'AlertEscalated' | 'AlertResolved' }>): AlertTransition {
  const a = e.alert;
  const scope: AlertScope = a.scope.type === 'integration'
    ? { type: 'integration', provider: a.scope.provider, integrationId: a.scope.integrationId ?? '', userId: a.scope.userId ?? '' }
    : { type: 'provider', provider: a.scope.provider };
  const base = {
    alertId: e.alertId, transitionId: e.eventId, ruleId: a.ruleId, ruleName: a.ruleName, ruleKind: a.ruleKind as AlertTransition['ruleKind'],
    severity: a.severity, scope, occurredAt: e.occurredAt, openedAt: a.openedAt, summary: a.summary, channels: a.channels.map(channelFromWire),
  };
  switch (e.type) {
    case 'AlertRaised':
      return { ...base, type: 'AlertRaised', facts: { ...e.facts }, flapping: e.flapping, notifyOwner: a.notifyOwner };
    case 'AlertEscalated':
      return { ...base, type: 'AlertEscalated' };
    case 'AlertResolved':
      return { ...base, type: 'AlertResolved', reason: e.reason as Extract<AlertTransition, { type: 'AlertResolved' }>['reason'], notifyOwner: a.notifyOwner };
  }
}

/**
 * How far ahead of its Kafka record an event's own time may be before it is not believed. Record
 * timestamps are the broker's append time (every topic uses LogAppendTime), and an event happens
 * before it is appended, so anything beyond a few seconds of clock disagreement is skew.
 */
export const FUTURE_SLACK_MS = 5_000;

/**
 * The evaluator's clock only moves forward, so one event stamped in the future (a producer
 * with a skewed clock) would skew escalations and windows for everyone. Event times are
 * capped at the record's timestamp (the broker's clock, not the producer's) plus FUTURE_SLACK_MS —
 * deterministic, since the record's timestamp is part of the log.
 */
export function capInputTime(input: EvaluatorInput, recordTimestamp: number): EvaluatorInput {
  const limit = recordTimestamp + FUTURE_SLACK_MS;
  switch (input.kind) {
    case 'check':
      return input.check.completedAt <= limit ? input
        : { kind: 'check', check: { ...input.check, completedAt: limit, startedAt: Math.min(input.check.startedAt, limit) } };
    case 'lifecycle':
      return input.event.occurredAt <= limit ? input : { kind: 'lifecycle', event: { ...input.event, occurredAt: limit } };
    case 'tick':
      return input.now <= limit ? input : { kind: 'tick', now: limit };
    default:
      return input.at <= limit ? input : { ...input, at: limit };
  }
}
