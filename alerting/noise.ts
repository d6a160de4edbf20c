// From "the condition holds or not" to as few notifications as are useful: one open alert per
// (rule, scope), a cooldown after each resolve, damping of scopes that flap, suppressions and
// maintenance windows, inhibition under a provider incident, and escalation of what nobody
// acknowledged. Whether a condition holds comes from verdicts.ts; this module decides what to announce.
import { escalatedSummary, resolvedSummary } from './describe.js';
import { alertIdOf, alertKey, scopeKeyOf, transitionIdOf } from './ids.js';
import { kindOf } from './kinds/index.js';
import { drop, put, rulesInOrder, type AlertEntry, type EvaluatorState } from './state.js';
import type { AlertResolved, AlertRule, AlertScope, AlertTransition, EvaluatorSettings } from './types.js';
import type { Words } from './verdicts.js';

/** One evaluation: where it writes and what it announces. */
export interface Pass {
  state: EvaluatorState;
  settings: EvaluatorSettings;
  now: number;
  out: AlertTransition[];
}

/** `words` is called only for a raise (a closure argument, so the hot path builds no strings). */
export function settle(pass: Pass, rule: AlertRule, scope: AlertScope, holds: boolean, words: () => Words): void {
  const { state, now } = pass;
  const key = alertKey(rule.id, scope);
  const entry = state.alerts[key];
  const open = entry?.open;
  if (entry && open) {
    if (holds) {
      if (open.clearSince !== null) put(state, 'alerts', key, { ...entry, open: { ...open, clearSince: null } });
      return;
    }
    // A flapping alert waits until the condition has stayed clear for a while.
    if (open.flapping && now - (open.clearSince ?? now) < pass.settings.flapping.stableSeconds * 1000) {
      if (open.clearSince === null) put(state, 'alerts', key, { ...entry, open: { ...open, clearSince: now } });
      return;
    }
    resolve(pass, rule, key, entry, 'recovered');
    return;
  }
  if (!holds) return;
  if (entry?.resolvedAt != null && now < entry.resolvedAt + rule.cooldownSeconds * 1000) return;
  if (isSuppressed(state, rule, scope, now) || isInhibited(state, rule, scope)) return;
  raise(pass, rule, scope, key, entry, words());
}

function recentTransitions(entry: AlertEntry | undefined, pass: Pass): number[] {
  const since = pass.now - pass.settings.flapping.windowSeconds * 1000;
  return (entry?.transitions ?? []).filter((t) => t > since);
}

// Only the latest `transitions` times can decide "at least that many in the window".
const remember = (recent: number[], pass: Pass) => [...recent, pass.now].slice(-Math.max(1, pass.settings.flapping.transitions));

function raise(pass: Pass, rule: AlertRule, scope: AlertScope, key: string, entry: AlertEntry | undefined, said: Words): void {
  const { now } = pass;
  const recent = recentTransitions(entry, pass);
  const flapping = recent.length >= pass.settings.flapping.transitions;
  // A re-raise in the very millisecond of the previous one would repeat its id.
  const openedAt = entry?.lastOpenedAt != null && entry.lastOpenedAt >= now ? entry.lastOpenedAt + 1 : now;
  const alertId = alertIdOf(rule.id, scopeKeyOf(scope), openedAt);
  const { subject, summary, facts } = said;
  put(pass.state, 'alerts', key, {
    ruleId: rule.id,
    scope,
    open: { alertId, openedAt, subject, summary, flapping, acknowledgedBy: null, escalated: false, clearSince: null },
    resolvedAt: entry?.resolvedAt ?? null,
    lastOpenedAt: openedAt,
    transitions: remember(recent, pass),
  });
  pass.out.push({
    type: 'AlertRaised',
    ...header(rule, scope, alertId, openedAt, now, 'raised'),
    summary,
    facts,
    flapping,
    channels: rule.channels,
    notifyOwner: rule.notifyOwner && scope.type === 'integration',
  });
}

/** Closes the open alert of an entry; `rule` is the definition it was raised under. */
export function resolve(pass: Pass, rule: AlertRule, key: string, entry: AlertEntry, reason: AlertResolved['reason']): void {
  const open = entry.open;
  if (!open) return;
  put(pass.state, 'alerts', key, { ...entry, open: null, resolvedAt: pass.now, transitions: remember(recentTransitions(entry, pass), pass) });
  pass.out.push({
    type: 'AlertResolved',
    ...header(rule, entry.scope, open.alertId, open.openedAt, pass.now, 'resolved'),
    summary: resolvedSummary(rule, open.subject, reason),
    reason,
    channels: rule.channels,
    notifyOwner: rule.notifyOwner && entry.scope.type === 'integration',
  });
}

function header(rule: AlertRule, scope: AlertScope, alertId: string, openedAt: number, now: number, what: 'raised' | 'escalated' | 'resolved') {
  return { alertId, transitionId: transitionIdOf(alertId, what), ruleId: rule.id, ruleName: rule.name, ruleKind: rule.kind, severity: rule.severity, scope, occurredAt: now, openedAt };
}

/** Active when startsAt ≤ now < endsAt; every field it names must match. */
export function isSuppressed(state: EvaluatorState, rule: AlertRule, scope: AlertScope, now: number): boolean {
  for (const s of Object.values(state.suppressions)) {
    if ((s.startsAt !== null && now < s.startsAt) || now >= s.endsAt) continue;
    if (s.ruleId !== null && s.ruleId !== rule.id) continue;
    if (s.provider !== null && s.provider !== scope.provider) continue;
    if (s.integrationId !== null && (scope.type !== 'integration' || scope.integrationId !== s.integrationId)) continue;
    return true;
  }
  return false;
}

const isIncident = (rule: AlertRule) => {
  const kind = kindOf(rule.kind);
  return kind.scope === 'provider' && kind.incident === true;
};

/** Integration alerts that an open provider incident explains stay quiet (the kind says which explain). */
function isInhibited(state: EvaluatorState, rule: AlertRule, scope: AlertScope): boolean {
  const kind = kindOf(rule.kind);
  if (scope.type !== 'integration' || kind.scope !== 'integration' || !kind.explainedByIncident) return false;
  const incidentScope: AlertScope = { type: 'provider', provider: scope.provider };
  return rulesInOrder(state).some((r) => isIncident(r) && state.alerts[alertKey(r.id, incidentScope)]?.open);
}

/** Open, unacknowledged, unsuppressed alerts whose time has come escalate, once. */
export function escalateDue(pass: Pass): void {
  const { state, now } = pass;
  for (const key of Object.keys(state.alerts).sort()) {
    const entry = state.alerts[key] as AlertEntry;
    const open = entry.open;
    const rule = state.rules[entry.ruleId];
    if (!open || open.escalated || open.acknowledgedBy !== null || !rule?.enabled || rule.escalateAfterSeconds === null) continue;
    if (now < open.openedAt + rule.escalateAfterSeconds * 1000 || isSuppressed(state, rule, entry.scope, now)) continue;
    put(state, 'alerts', key, { ...entry, open: { ...open, escalated: true } });
    pass.out.push({
      type: 'AlertEscalated',
      ...header(rule, entry.scope, open.alertId, open.openedAt, now, 'escalated'),
      summary: escalatedSummary(rule.escalateAfterSeconds, open.summary),
      channels: rule.escalationChannels,
    });
  }
}

/** Marks an open alert acknowledged (it will not escalate); unknown or closed alerts are ignored. */
export function acknowledge(state: EvaluatorState, alertId: string, by: string): void {
  for (const [key, entry] of Object.entries(state.alerts)) {
    if (entry.open?.alertId !== alertId) continue;
    if (entry.open.acknowledgedBy === null) put(state, 'alerts', key, { ...entry, open: { ...entry.open, acknowledgedBy: by } });
    return;
  }
}

/** Forgets (rule, scope) entries that no longer hold anything: no open alert, cooldown over, no recent transitions. */
export function pruneAlerts(pass: Pass): void {
  const { state, now } = pass;
  for (const [key, entry] of Object.entries(state.alerts)) {
    if (entry.open) continue;
    const recent = recentTransitions(entry, pass);
    const cooldownMs = (state.rules[entry.ruleId]?.cooldownSeconds ?? 0) * 1000;
    const cooled = entry.resolvedAt === null || now >= entry.resolvedAt + cooldownMs;
    if (recent.length === 0 && cooled && (entry.lastOpenedAt === null || entry.lastOpenedAt < now)) drop(state, 'alerts', key);
    else if (recent.length !== entry.transitions.length) put(state, 'alerts', key, { ...entry, transitions: recent });
  }
}
