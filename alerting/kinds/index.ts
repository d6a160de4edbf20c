// Every alert rule kind. A new kind is one module plus one line here; the evaluator, the API
// (validation, GET /api/admin/alert-rule-kinds) and the web's rule editor all read this list.
// The order is the order people see them in, and the order of "must be one of" messages.
import { checkStalled } from './checkStalled.js';
import { consecutiveFailures } from './consecutiveFailures.js';
import { integrationRed } from './integrationRed.js';
import type { RuleKind } from './kind.js';
import { providerFailureRate } from './providerFailureRate.js';
import { providerIncident } from './providerIncident.js';
import { providerLatencyP95 } from './providerLatencyP95.js';
import { reauthRequired } from './reauthRequired.js';

export const ruleKinds = [
  integrationRed,
  consecutiveFailures,
  providerFailureRate,
  providerLatencyP95,
  reauthRequired,
  checkStalled,
  providerIncident,
] as const;

export type RuleKindId = (typeof ruleKinds)[number]['id'];

const byId = new Map<string, RuleKind>(ruleKinds.map((k) => [k.id, k]));

/** A stored rule's kind. Rules are validated against this registry, so an unknown id is a bug, not bad input. */
export function kindOf(id: string): RuleKind {
  const kind = byId.get(id);
  if (!kind) throw new Error(`unknown alert rule kind: ${id}`);
  return kind;
}
