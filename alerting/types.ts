// The alert evaluator's vocabulary: rules, suppressions, what goes in and what comes out.
// The core (evaluate.ts) is a pure function over these; consumers/alertEvaluator.ts feeds it
// from Kafka and persists its state, and the backtest feeds it from history.
import type { HealthChecked, LifecycleEvent } from '../health/events.js';
import type { RuleKindId } from './kinds/index.js';

export type { RuleKindId };

export type Severity = 'warning' | 'critical';

/** Where a notification goes. Webhooks are referred to by id; their URL and secret live elsewhere. */
export type ChannelRef = { type: 'email'; to: string[] } | { type: 'webhook'; webhookId: string };

export interface AlertRule {
  id: string;
  name: string;
  /** One of alerting/kinds/index.ts; `params` is what that kind's schema accepted. */
  kind: RuleKindId;
  params: Record<string, number>;
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
  ruleKind: RuleKindId;
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
