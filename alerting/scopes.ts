// Evaluating the rules that concern one scope. A check evaluates its provider, then its
// integration (in that order, so an incident the check completes inhibits the integration's
// own alerts at once); a tick sweeps every scope.
import { scopeKeyOf } from './ids.js';
import { escalateDue, pruneAlerts, settle, type Pass } from './noise.js';
import { drop, rulesInOrder, type IntegrationEntry } from './state.js';
import type { AlertRule, AlertScope } from './types.js';
import { DEPARTED_KEEP_MS } from './integrations.js';
import { appliesTo, integrationHolds, integrationWords, isIntegrationRule, providerHolds, providerWords } from './verdicts.js';
import { providersWithData, pruneBuckets } from './windows.js';

export function evaluateIntegration(pass: Pass, entry: IntegrationEntry): void {
  let scope: AlertScope | undefined;
  for (const rule of rulesInOrder(pass.state)) {
    if (!isIntegrationRule(rule) || !appliesTo(rule, entry.provider)) continue;
    scope ??= { type: 'integration', integrationId: entry.integrationId, userId: entry.userId, provider: entry.provider };
    settle(pass, rule, scope, integrationHolds(rule, entry, pass.now), () => integrationWords(rule, entry, pass.now));
  }
}

export function evaluateProvider(pass: Pass, provider: string): void {
  const scope: AlertScope = { type: 'provider', provider };
  for (const rule of rulesInOrder(pass.state)) {
    if (isIntegrationRule(rule) || !appliesTo(rule, provider)) continue;
    settle(pass, rule, scope, providerHolds(pass.state, rule, provider), () => providerWords(pass.state, rule, provider));
  }
}

function anyHolds(rules: AlertRule[], entry: IntegrationEntry, now: number): boolean {
  for (const rule of rules) if (appliesTo(rule, entry.provider) && integrationHolds(rule, entry, now)) return true;
  return false;
}

/** Time passed: windows slide, silences are noticed, cooldowns, suppressions and incidents end, escalations fall due. */
export function sweep(pass: Pass): void {
  const { state, now } = pass;
  for (const [id, s] of Object.entries(state.suppressions)) if (now >= s.endsAt) drop(state, 'suppressions', id);
  for (const [id, at] of Object.entries(state.departed)) if (now - at >= DEPARTED_KEEP_MS) drop(state, 'departed', id);
  pruneBuckets(state);

  const providers = providersWithData(state);
  for (const entry of Object.values(state.alerts)) if (entry.open && entry.scope.type === 'provider') providers.add(entry.scope.provider);
  for (const provider of [...providers].sort()) evaluateProvider(pass, provider);

  // Integrations are independent of each other: visit them in any order, announce in a stable one.
  // Most are fine and have no alert to look after; skipping those is what keeps a tick cheap.
  const alerted = new Set<string>();
  for (const entry of Object.values(state.alerts)) if (entry.scope.type === 'integration') alerted.add(entry.scope.integrationId);
  const rules = rulesInOrder(state).filter((r) => isIntegrationRule(r) && r.enabled);
  const from = pass.out.length;
  for (const entry of Object.values(state.integrations)) {
    if (alerted.has(entry.integrationId) || anyHolds(rules, entry, now)) evaluateIntegration(pass, entry);
  }
  const swept = pass.out.splice(from).map((t) => ({ t, key: `${scopeKeyOf(t.scope)}|${t.ruleId}` }));
  pass.out.push(...swept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ t }) => t));

  escalateDue(pass);
  pruneAlerts(pass);
}
