// A rule as the form edits it, and the way back to what the API takes. The API is the judge
// of what is valid (its messages name each field); the draft only has to say what was typed,
// so an empty number goes out as null and comes back as "must be a number" next to its field.
import type { AlertRule, AlertRuleInput, ChannelRef, RuleKind, RuleParams, Severity } from '../../api/alertTypes';
import { kindInfo } from './labels';

export interface ParamSpec {
  key: keyof RuleParams;
  label: string;
  /** duration: entered with a unit; the others are plain numbers with this unit after them. */
  unit: 'duration' | 'checks' | '%' | 'ms' | 'integrations' | 'users';
  fallback: number;
  hint?: string;
}

const window: ParamSpec = { key: 'windowSeconds', label: 'Window', unit: 'duration', fallback: 900, hint: 'Whole minutes, from 1 minute to 1 day.' };
const minSample: ParamSpec = { key: 'minSample', label: 'Only with at least', unit: 'checks', fallback: 20, hint: 'Fewer checks in the window say too little.' };

export const paramSpecs: Record<RuleKind, ParamSpec[]> = {
  integration_red: [],
  reauth_required: [],
  consecutive_failures: [{ key: 'failures', label: 'Failed checks in a row', unit: 'checks', fallback: 5, hint: '1 to 100.' }],
  check_stalled: [{ key: 'afterSeconds', label: 'No check for', unit: 'duration', fallback: 900, hint: 'At least 1 minute; never less than 3 check intervals of the integration.' }],
  provider_failure_rate: [window, { key: 'thresholdPercent', label: 'Failure rate above', unit: '%', fallback: 20 }, minSample],
  provider_latency_p95: [window, { key: 'thresholdMs', label: 'p95 latency above', unit: 'ms', fallback: 3000, hint: 'Successful checks only: failures are not slowness.' }, minSample],
  provider_incident: [
    { ...window, fallback: 600 },
    { key: 'minIntegrations', label: 'Failing integrations, at least', unit: 'integrations', fallback: 5 },
    { key: 'minUsers', label: 'Belonging to at least', unit: 'users', fallback: 3 },
    { key: 'failurePercent', label: 'And at least', unit: '%', fallback: 50, hint: 'Of the integrations checked in the window.' },
  ],
};

export interface RuleDraft {
  name: string;
  kind: RuleKind;
  severity: Severity;
  /** '' = every provider. */
  provider: string;
  enabled: boolean;
  params: Partial<Record<keyof RuleParams, number | null>>;
  cooldownSeconds: number | null;
  escalate: boolean;
  escalateAfterSeconds: number | null;
  /** As typed: addresses separated by commas, spaces or lines. */
  emails: string;
  webhookIds: string[];
  escalationEmails: string;
  escalationWebhookIds: string[];
  notifyOwner: boolean;
}

const defaultsOf = (kind: RuleKind) => Object.fromEntries(paramSpecs[kind].map((p) => [p.key, p.fallback]));

export const newDraft = (): RuleDraft => ({
  name: '', kind: 'integration_red', severity: 'warning', provider: '', enabled: true, params: {},
  cooldownSeconds: 600, escalate: false, escalateAfterSeconds: 1800,
  emails: '', webhookIds: [], escalationEmails: '', escalationWebhookIds: [], notifyOwner: false,
});

/** Another kind keeps the values it shares with the old one (the window) and defaults the rest. */
export function withKind(d: RuleDraft, kind: RuleKind): RuleDraft {
  const params = defaultsOf(kind);
  for (const key of Object.keys(params) as (keyof RuleParams)[]) if (d.params[key] !== undefined) params[key] = d.params[key]!;
  return { ...d, kind, params, notifyOwner: kindInfo[kind].scope === 'integration' && d.notifyOwner };
}

const emailsOf = (channels: ChannelRef[]) => channels.flatMap((c) => (c.type === 'email' ? c.to : [])).join(', ');
const hooksOf = (channels: ChannelRef[]) => channels.flatMap((c) => (c.type === 'webhook' ? [c.webhookId] : []));

export function draftOf(rule: AlertRule): RuleDraft {
  return {
    name: rule.name, kind: rule.kind, severity: rule.severity, provider: rule.provider ?? '', enabled: rule.enabled,
    params: { ...defaultsOf(rule.kind), ...rule.params },
    cooldownSeconds: rule.cooldownSeconds, escalate: rule.escalateAfterSeconds !== null, escalateAfterSeconds: rule.escalateAfterSeconds ?? 1800,
    emails: emailsOf(rule.channels), webhookIds: hooksOf(rule.channels),
    escalationEmails: emailsOf(rule.escalationChannels), escalationWebhookIds: hooksOf(rule.escalationChannels), notifyOwner: rule.notifyOwner,
  };
}

export const splitEmails = (text: string) => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);

/** One email channel for every address (one digest for all of them), then each webhook. */
function channels(emails: string, hooks: string[]): ChannelRef[] {
  const to = splitEmails(emails);
  return [...(to.length ? [{ type: 'email' as const, to }] : []), ...hooks.map((webhookId) => ({ type: 'webhook' as const, webhookId }))];
}

export function inputOf(d: RuleDraft): AlertRuleInput {
  const params = Object.fromEntries(paramSpecs[d.kind].map((p) => [p.key, d.params[p.key] ?? null]));
  return {
    name: d.name, kind: d.kind, severity: d.severity, provider: d.provider || null, enabled: d.enabled,
    params: params as RuleParams,
    cooldownSeconds: d.cooldownSeconds as number,
    escalateAfterSeconds: d.escalate ? d.escalateAfterSeconds : null,
    channels: channels(d.emails, d.webhookIds),
    escalationChannels: d.escalate ? channels(d.escalationEmails, d.escalationWebhookIds) : [],
    notifyOwner: kindInfo[d.kind].scope === 'integration' && d.notifyOwner,
  };
}
