// The alert evaluator's vocabulary: rules, suppressions, what goes in and what comes out.
// The core (evaluate.ts) is a pure function over these; consumers/alertEvaluator.ts feeds it
// from Kafka and persists its state, and the backtest feeds it from history.
import type { HealthChecked, LifecycleEvent } from '../health/events.js';

export type RuleKind =
  | 'integration_red' // an integration's status turns red (projections/healthStatus.ts rules)
  | 'consecutive_failures' // N failed checks in a row
  | 'provider_failure_rate' // failure rate of one provider over a window, with a minimum sample
  | 'provider_latency_p95' // p95 latency of one provider over a window, with a minimum sample
  | 'reauth_required' // the user must reconnect (ReauthRequired lifecycle event)
  | 'check_stalled' // no check received for an integration for T (stalled worker)
  | 'provider_incident'; // many integrations of one provider, across users, failing together

export type Severity = 'warning' | 'critical';

/** Where a notification goes. Webhooks are referred to by id; their URL and secret live elsewhere. */
export type ChannelRef = { type: 'email'; to: string[] } | { type: 'webhook'; webhookId: string };

export interface RuleParams {
  integration_red: Record<string, never>;
  consecutive_failures: { failures: number };
  provider_failure_rate: { windowSeconds: number; thresholdPercent: number; minSample: number };
  provider_latency_p95: { windowSeconds: number; thresholdMs: number; minSample: number };
  reauth_required: Record<string, never>;
  check_stalled: { afterSeconds: number };
  provider_incident: { windowSeconds: number; minIntegrations: number; minUsers: number; failurePercent: number };
}

export interface AlertRuleBase<K extends RuleKind = RuleKind> {
  id: string;
  name: string;
  kind: K;
  params: RuleParams[K];
  enabled: boolean;
  severity: Severity;
  /** Only integrations/providers of this provider; null = every provider. */
  provider: string | null;
  /** After a resolve, the same rule and scope does not re-open for this long. */
  cooldownSeconds: number;
  /** Unacknowledged this long after raising → AlertEscalated (to `escalationChannels`); null = never. */
  escalateAfterSeconds: number | null;
  channels: ChannelRef[];
  escalationChannels: ChannelRef[];
  /** Also email the integration's owner (integration-scoped rules only). */
  notifyOwner: boolean;
}

export type AlertRule = { [K in RuleKind]: AlertRuleBase<K> }[RuleKind];

/** Mute a rule, a provider or an integration from `startsAt` (null = now) until `endsAt`. A maintenance window is a suppression with a start. */
export interface Suppression {
  id: string;
  ruleId: string | null;
  provider: string | null;
  integrationId: string | null;
  startsAt: number | null;
  endsAt: number;
  reason: string;
}

export type AlertScope =
  | { type: 'integration'; integrationId: string; userId: string; provider: string }
  | { type: 'provider'; provider: string };

/** One input to the core, in the order the evaluator sees them. `now` of every input is its event time. */
export type EvaluatorInput =
  | { kind: 'check'; check: HealthChecked }
  | { kind: 'lifecycle'; event: LifecycleEvent }
  | { kind: 'rule_saved'; rule: AlertRule; at: number }
  | { kind: 'rule_deleted'; ruleId: string; at: number }
  | { kind: 'suppression_saved'; suppression: Suppression; at: number }
  | { kind: 'suppression_deleted'; suppressionId: string; at: number }
  | { kind: 'acknowledged'; alertId: string; by: string; at: number }
  /** Time passes: stalled checks, escalations, cooldown ends, windows slide, suppressions end. */
  | { kind: 'tick'; now: number };

interface TransitionBase {
  /** Deterministic (same inputs → same id), so a rebuilt evaluator and a backtest agree. */
  alertId: string;
  /** Stable id of this transition, e.g. `${alertId}:raised`; receivers dedupe on it (webhook-id). */
  transitionId: string;
  ruleId: string;
  ruleName: string;
  ruleKind: RuleKind;
  severity: Severity;
  scope: AlertScope;
  occurredAt: number;
  openedAt: number;
}

export interface AlertRaised extends TransitionBase {
  type: 'AlertRaised';
  /** Plain words: what is wrong, e.g. "Gmail for ann@…: 3 checks failed in a row (timeout)". */
  summary: string;
  /** The figures behind the summary (error code, rate, p95, sample, affected integrations/users…). */
  facts: Record<string, string | number | null>;
  /** The scope changed state often lately: this alert is damped (resolves only after a stable period). */
  flapping: boolean;
  channels: ChannelRef[];
  notifyOwner: boolean;
}

export interface AlertEscalated extends TransitionBase {
  type: 'AlertEscalated';
  summary: string;
  channels: ChannelRef[];
}

export interface AlertResolved extends TransitionBase {
  type: 'AlertResolved';
  summary: string;
  /** `rule_changed`: the rule was edited so that it no longer covers this scope (another kind or provider). */
  reason: 'recovered' | 'integration_disconnected' | 'rule_deleted' | 'rule_disabled' | 'suppressed' | 'rule_changed';
  channels: ChannelRef[];
  notifyOwner: boolean;
}

export type AlertTransition = AlertRaised | AlertEscalated | AlertResolved;

/** Settings that are not per rule. */
export interface EvaluatorSettings {
  statusRules: { slowCheckMs: number; failuresBeforeRed: number };
  flapping: { windowSeconds: number; transitions: number; stableSeconds: number };
}
