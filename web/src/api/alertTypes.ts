// Alerting's shapes as the app uses them (api/routes/adminAlerts.ts, adminAlertRules.ts,
// adminWebhooks.ts, integrationAlerts.ts, alerting/types.ts on the server). Kept by hand, like
// types.ts: the web app has no build-time link to the server code. Rule kinds are not listed
// here: the app asks the API which exist (RuleKindInfo).

export type Severity = 'warning' | 'critical';

/** A rule kind's id; which ones exist is GET /api/admin/alert-rule-kinds's answer, not this app's. */
export type RuleKind = string;

/** How the rule editor shows a param: `duration` is entered with a unit, the others are numbers followed by theirs. */
export type ParamUnit = 'duration' | 'checks' | '%' | 'ms' | 'integrations' | 'users';

/** One param of a kind, as JSON Schema with the words the editor shows. */
export interface ParamSchema {
  type: 'integer' | 'number';
  title: string;
  description?: string;
  /** What a new rule starts from; the API still requires every param. */
  default: number;
  minimum?: number;
  maximum?: number;
  'x-unit': ParamUnit;
}

/** GET /api/admin/alert-rule-kinds: one kind, in the order people choose from (alerting/kinds/ on the server). */
export interface RuleKindInfo {
  id: RuleKind;
  label: string;
  description: string;
  scope: 'integration' | 'provider';
  /** The condition as a sentence; `{param}` stands for that param's value. */
  condition: string;
  params: { type: 'object'; properties?: Record<string, ParamSchema>; required?: string[] };
}

export const alertProviders = ['gmail', 'google_calendar', 'slack', 'mcp', 'http'] as const;

/** One delivery of one transition to one channel (the channel itself is only in the events). */
export interface AlertDelivery {
  transitionId: string;
  status: 'sent' | 'failed';
  /** Epoch ms. */
  at: number;
  attempts: number;
  reason?: string;
}

export interface Alert {
  alertId: string;
  ruleId: string;
  ruleName: string;
  ruleKind: RuleKind | string;
  severity: Severity;
  scope: { type: 'integration' | 'provider'; provider: string; integrationId: string | null };
  status: 'open' | 'resolved';
  summary: string;
  facts: Record<string, string>;
  flapping: boolean;
  openedAt: string;
  escalatedAt: string | null;
  acknowledgedAt: string | null;
  /** An admin's email, or `user:<id>` when the integration's owner acknowledged. */
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
  notifications: AlertDelivery[];
}

export interface AlertPage {
  alerts: Alert[];
  nextBefore: string | null;
}

export type AlertEventType = 'AlertRaised' | 'AlertEscalated' | 'AlertResolved' | 'AlertAcknowledged' | 'NotificationSent' | 'NotificationFailed';

export interface AlertEvent {
  type: AlertEventType | string;
  occurredAt: string;
  /** The event's own fields: `by`/`note` (acknowledged), `reason` (resolved), `channel`/`attempts`/`reason`/`transitionId` (deliveries). */
  detail: Record<string, unknown>;
}

export interface AlertDetail extends Alert {
  events: AlertEvent[];
}

export type ChannelRef = { type: 'email'; to: string[] } | { type: 'webhook'; webhookId: string };

/** By the kind's param names; null is "left empty" (the API answers "must be a number"). */
export type RuleParams = Record<string, number | null>;

/** What POST/PUT /api/admin/alert-rules take. */
export interface AlertRuleInput {
  name: string;
  kind: RuleKind;
  params: RuleParams;
  enabled: boolean;
  severity: Severity;
  provider: string | null;
  cooldownSeconds: number;
  escalateAfterSeconds: number | null;
  channels: ChannelRef[];
  escalationChannels: ChannelRef[];
  notifyOwner: boolean;
}

export interface AlertRule extends AlertRuleInput {
  id: string;
  updatedAt: string;
  updatedBy: string;
}

export interface Webhook {
  id: string;
  name: string;
  /** scheme://host[:port]; the full URL is never shown again. */
  urlOrigin: string;
  enabled: boolean;
  disabledReason: string | null;
  updatedAt: string;
}

/** POST /api/admin/webhooks: the only time the secret is ever sent. */
export interface CreatedWebhook {
  id: string;
  name: string;
  urlOrigin: string;
  secret: string;
}

export interface TestResult {
  outcome: 'sent' | 'failed';
  attempts: number;
  reason: string | null;
}

export interface Suppression {
  id: string;
  ruleId: string | null;
  provider: string | null;
  integrationId: string | null;
  startsAt: string | null;
  endsAt: string;
  reason: string;
  active: boolean;
  updatedBy: string;
}

/** POST /api/admin/suppressions: times as epoch ms. */
export interface SuppressionInput {
  ruleId: string | null;
  provider: string | null;
  integrationId: string | null;
  startsAt: number | null;
  endsAt: number;
  reason: string;
}

/** A transition the backtest would have produced (alerting/types.ts AlertTransition). */
export interface BacktestTransition {
  type: 'AlertRaised' | 'AlertEscalated' | 'AlertResolved';
  alertId: string;
  transitionId: string;
  severity: Severity;
  scope: { type: 'integration'; integrationId: string; userId: string; provider: string } | { type: 'provider'; provider: string };
  /** Epoch ms. */
  occurredAt: number;
  openedAt: number;
  summary: string;
  reason?: string;
  flapping?: boolean;
}

export interface BacktestResult {
  summary: { raised: number; resolved: number; escalated: number; scopes: number; firstAt: number | null; lastAt: number | null };
  /** The last 500 at most. */
  transitions: BacktestTransition[];
  checksReplayed: number;
  truncated: boolean;
  from: string;
  to: string;
}

/** GET /api/integrations/incidents: a provider-wide problem the user cannot fix. */
export interface ProviderIncident {
  provider: string;
  message: string;
  summary: string;
  since: string;
}
