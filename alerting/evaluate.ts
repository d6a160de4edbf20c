// The alert evaluator's pure core: one input in, the alert transitions it causes out, the state
// updated in place. No clock but the inputs' own times, no I/O, nothing random, so a restored
// state, a replay and a backtest all say the same thing.
import type { HealthChecked, LifecycleEvent } from '../health/events.js';
import { alertKey } from './ids.js';
import { forgetIntegration, saveIntegration, withCheck, withLifecycle } from './integrations.js';
import { acknowledge, resolve, type Pass } from './noise.js';
import { evaluateIntegration, evaluateProvider, sweep } from './scopes.js';
import { advanceClock, drop, put, rulesInOrder, type AlertEntry, type EvaluatorState } from './state.js';
import type { AlertRule, AlertScope, AlertTransition, EvaluatorInput, EvaluatorSettings } from './types.js';
import { countCheck } from './windows.js';

export function inputTime(input: EvaluatorInput): number {
  switch (input.kind) {
    case 'check':
      return input.check.completedAt;
    case 'lifecycle':
      return input.event.occurredAt;
    case 'tick':
      return input.now;
    default:
      return input.at;
  }
}

export function evaluate(state: EvaluatorState, input: EvaluatorInput, settings: EvaluatorSettings): AlertTransition[] {
  const pass: Pass = { state, settings, now: advanceClock(state, inputTime(input)), out: [] };
  switch (input.kind) {
    case 'check':
      onCheck(pass, input.check);
      break;
    case 'lifecycle':
      onLifecycle(pass, input.event);
      break;
    case 'rule_saved':
      saveRule(pass, input.rule);
      break;
    case 'rule_deleted':
      deleteRule(pass, input.ruleId);
      break;
    case 'suppression_saved':
      put(state, 'suppressions', input.suppression.id, input.suppression);
      break;
    case 'suppression_deleted':
      drop(state, 'suppressions', input.suppressionId);
      break;
    case 'acknowledged':
      acknowledge(state, input.alertId, input.by);
      break;
    case 'tick':
      sweep(pass);
      break;
  }
  return pass.out;
}

function onCheck(pass: Pass, check: HealthChecked): void {
  const { state } = pass;
  const ok = check.outcome === 'succeeded';
  if (Object.hasOwn(state.departed, check.integrationId)) {
    // In flight when its integration was disconnected: still a fact about the provider.
    countCheck(state, check.provider, check.completedAt, ok, check.durationMs);
    evaluateProvider(pass, check.provider);
    return;
  }
  const next = withCheck(state.integrations[check.integrationId], check, pass.settings.statusRules);
  if (!next) return; // the same check delivered again
  saveIntegration(state, next);
  countCheck(state, check.provider, check.completedAt, ok, check.durationMs);
  evaluateProvider(pass, check.provider);
  evaluateIntegration(pass, next);
}

function onLifecycle(pass: Pass, event: LifecycleEvent): void {
  const { state } = pass;
  if (event.type === 'IntegrationDisconnected') {
    const entry = state.integrations[event.integrationId];
    if (!entry) return;
    const scope: AlertScope = { type: 'integration', integrationId: entry.integrationId, userId: entry.userId, provider: entry.provider };
    for (const rule of rulesInOrder(state)) {
      const key = alertKey(rule.id, scope);
      const alert = state.alerts[key];
      if (!alert) continue;
      resolve(pass, rule, key, alert, 'integration_disconnected');
      drop(state, 'alerts', key);
    }
    forgetIntegration(state, event.integrationId, pass.now);
    return;
  }
  if (event.type === 'IntegrationConnected') drop(state, 'departed', event.integrationId);
  const next = withLifecycle(state.integrations[event.integrationId], event);
  if (!next) return;
  saveIntegration(state, next);
  if (event.type === 'ReauthRequired' || event.type === 'ReauthCompleted') evaluateIntegration(pass, next);
}

/** The rule's alerts, in a stable order. */
function alertsOf(state: EvaluatorState, ruleId: string): [string, AlertEntry][] {
  const prefix = `${ruleId}|`;
  return Object.keys(state.alerts)
    .filter((k) => k.startsWith(prefix))
    .sort()
    .map((k) => [k, state.alerts[k] as AlertEntry]);
}

function saveRule(pass: Pass, rule: AlertRule): void {
  const { state } = pass;
  const prior = state.rules[rule.id];
  put(state, 'rules', rule.id, rule);
  if (!prior) return;
  // Alerts raised under the old definition close if the new one no longer stands behind them.
  const kindChanged = prior.kind !== rule.kind;
  for (const [key, entry] of alertsOf(state, rule.id)) {
    const stillCovered = rule.provider === null || rule.provider === entry.scope.provider;
    if (!rule.enabled) resolve(pass, prior, key, entry, 'rule_disabled');
    else if (kindChanged || !stillCovered) resolve(pass, prior, key, entry, 'rule_changed');
    if (kindChanged) drop(state, 'alerts', key); // cooldown and flapping history were about another condition
  }
}

function deleteRule(pass: Pass, ruleId: string): void {
  const { state } = pass;
  const rule = state.rules[ruleId];
  if (!rule) return;
  for (const [key, entry] of alertsOf(state, ruleId)) {
    resolve(pass, rule, key, entry, 'rule_deleted');
    drop(state, 'alerts', key);
  }
  drop(state, 'rules', ruleId);
}
