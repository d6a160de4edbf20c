// Does a rule's condition hold for one scope right now, and how would we say so? The kind
// (alerting/kinds/) knows; this module only puts the scope's subject in front. Holding is asked
// for every rule on every check and every integration on every tick, so it allocates nothing;
// the words are built only for a raise.
import { integrationSubject, providerLabel } from './describe.js';
import type { Facts } from './kinds/kind.js';
import { kindOf } from './kinds/index.js';
import type { EvaluatorState, IntegrationEntry } from './state.js';
import type { AlertRule } from './types.js';

export type { Facts };

/** What a raise says: the scope in words, a sentence, and the figures behind it. */
export interface Words {
  subject: string;
  summary: string;
  facts: Facts;
}

export const isIntegrationRule = (rule: AlertRule) => kindOf(rule.kind).scope === 'integration';

export function appliesTo(rule: AlertRule, provider: string): boolean {
  return rule.enabled && (rule.provider === null || rule.provider === provider);
}

function integrationKindOf(rule: AlertRule) {
  const kind = kindOf(rule.kind);
  if (kind.scope !== 'integration') throw new Error(`${rule.kind} is not an integration rule`);
  return kind;
}

function providerKindOf(rule: AlertRule) {
  const kind = kindOf(rule.kind);
  if (kind.scope !== 'provider') throw new Error(`${rule.kind} is not a provider rule`);
  return kind;
}

export function integrationHolds(rule: AlertRule, entry: IntegrationEntry, now: number): boolean {
  return integrationKindOf(rule).holds(rule.params, entry, now);
}

export function integrationWords(rule: AlertRule, entry: IntegrationEntry, now: number): Words {
  const subject = integrationSubject(entry.provider, entry.displayName, entry.integrationId, entry.userId);
  return { subject, ...integrationKindOf(rule).says(rule.params, entry, now, subject) };
}

export function providerHolds(state: EvaluatorState, rule: AlertRule, provider: string): boolean {
  return providerKindOf(rule).holds(rule.params, state, provider);
}

export function providerWords(state: EvaluatorState, rule: AlertRule, provider: string): Words {
  const subject = providerLabel(provider);
  return { subject, ...providerKindOf(rule).says(rule.params, state, provider, subject) };
}
