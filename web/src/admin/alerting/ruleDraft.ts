// A rule as the form edits it, and the way back to what the API takes. The API is the judge
// of what is valid (its messages name each field); the draft only has to say what was typed,
// so an empty number goes out as null and comes back as "must be a number" next to its field.
import type { AlertRule, AlertRuleInput, ChannelRef, RuleKind, RuleKindInfo, RuleParams, Severity } from '../../api/alertTypes';
import { defaultsOf, paramSpecsOf } from './ruleKinds';

export interface RuleDraft {
  name: string;
  kind: RuleKind;
  severity: Severity;
  /** '' = every provider. */
  provider: string;
  enabled: boolean;
  params: RuleParams;
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

/** A new rule starts as the first kind the API lists, with its defaults. */
export const newDraft = (kind: RuleKindInfo): RuleDraft => withKind({
  name: '', kind: kind.id, severity: 'warning', provider: '', enabled: true, params: {},
  cooldownSeconds: 600, escalate: false, escalateAfterSeconds: 1800,
  emails: '', webhookIds: [], escalationEmails: '', escalationWebhookIds: [], notifyOwner: false,
}, kind);

/** Another kind keeps the values it shares with the old one (the window) and defaults the rest. */
export function withKind(d: RuleDraft, kind: RuleKindInfo): RuleDraft {
  const params = defaultsOf(kind);
  for (const key of Object.keys(params)) if (d.params[key] !== undefined) params[key] = d.params[key]!;
  return { ...d, kind: kind.id, params, notifyOwner: kind.scope === 'integration' && d.notifyOwner };
}

const emailsOf = (channels: ChannelRef[]) => channels.flatMap((c) => (c.type === 'email' ? c.to : [])).join(', ');
const hooksOf = (channels: ChannelRef[]) => channels.flatMap((c) => (c.type === 'webhook' ? [c.webhookId] : []));

export function draftOf(rule: AlertRule, kind: RuleKindInfo): RuleDraft {
  return {
    name: rule.name, kind: rule.kind, severity: rule.severity, provider: rule.provider ?? '', enabled: rule.enabled,
    params: { ...defaultsOf(kind), ...rule.params },
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

/** `kind` is the draft's kind: only its params go, each as typed. */
export function inputOf(d: RuleDraft, kind: RuleKindInfo): AlertRuleInput {
  const params = Object.fromEntries(paramSpecsOf(kind).map((p) => [p.key, d.params[p.key] ?? null]));
  return {
    name: d.name, kind: d.kind, severity: d.severity, provider: d.provider || null, enabled: d.enabled,
    params,
    cooldownSeconds: d.cooldownSeconds as number,
    escalateAfterSeconds: d.escalate ? d.escalateAfterSeconds : null,
    channels: channels(d.emails, d.webhookIds),
    escalationChannels: d.escalate ? channels(d.escalationEmails, d.escalationWebhookIds) : [],
    notifyOwner: kind.scope === 'integration' && d.notifyOwner,
  };
}
