// Does a rule's condition hold for one scope right now, and how would we say so? Holding is
// asked for every rule on every check and every integration on every tick, so it allocates
// nothing; the words are built only for a raise.
import { adviceFor } from '../health/errorCatalog.js';
import { quantile } from '../health/latencySketch.js';
import { duration, integrationSubject, percent, providerLabel } from './describe.js';
import type { EvaluatorState, IntegrationEntry } from './state.js';
import type { AlertRule } from './types.js';
import { windowFigures } from './windows.js';

export type Facts = Record<string, string | number | null>;

/** What a raise says: the scope in words, a sentence, and the figures behind it. */
export interface Words {
  subject: string;
  summary: string;
  facts: Facts;
}

export const integrationKinds = new Set<AlertRule['kind']>(['integration_red', 'consecutive_failures', 'reauth_required', 'check_stalled']);

export function appliesTo(rule: AlertRule, provider: string): boolean {
  return rule.enabled && (rule.provider === null || rule.provider === provider);
}

/** When an integration was last heard of: its newest check, or its connection if never checked. */
function lastSign(entry: IntegrationEntry): number | null {
  return entry.health?.lastCheckedAt ?? entry.connectedAt;
}

function stalledLimitSeconds(rule: AlertRule & { kind: 'check_stalled' }, entry: IntegrationEntry): number {
  return Math.max(rule.params.afterSeconds, 3 * (entry.checkIntervalSeconds ?? 0));
}

export function integrationHolds(rule: AlertRule, entry: IntegrationEntry, now: number): boolean {
  switch (rule.kind) {
    case 'integration_red':
      return entry.health?.status === 'red';
    case 'consecutive_failures':
      return (entry.health?.consecutiveFailures ?? 0) >= rule.params.failures;
    case 'reauth_required':
      return entry.reauth !== null;
    case 'check_stalled': {
      const since = lastSign(entry);
      return since !== null && now - since >= stalledLimitSeconds(rule, entry) * 1000;
    }
    default:
      throw new Error(`${rule.kind} is not an integration rule`);
  }
}

export function integrationWords(rule: AlertRule, entry: IntegrationEntry, now: number): Words {
  const subject = integrationSubject(entry.provider, entry.displayName, entry.integrationId, entry.userId);
  const failures = entry.health?.consecutiveFailures ?? 0;
  const code = entry.health?.errorCode ?? null;
  switch (rule.kind) {
    case 'integration_red': {
      const why = code ? adviceFor(code, entry.provider).message : 'its checks are failing.';
      const streak = failures > 1 ? ` ${failures} checks in a row have failed.` : '';
      return { subject, summary: `${subject} is red: ${why}${streak}`, facts: { errorCode: code, consecutiveFailures: failures } };
    }
    case 'consecutive_failures':
      return {
        subject,
        summary: `${subject}: ${failures} checks in a row have failed${code ? ` (${code})` : ''}.`,
        facts: { errorCode: code, consecutiveFailures: failures, threshold: rule.params.failures },
      };
    case 'reauth_required': {
      const reason = entry.reauth?.reason ?? null;
      return { subject, summary: `${subject} has lost access: its owner must reconnect it (${reason ?? 'no reason given'}).`, facts: { reason, errorCode: code } };
    }
    case 'check_stalled': {
      const since = lastSign(entry);
      const limitSeconds = stalledLimitSeconds(rule, entry);
      const silentSeconds = since === null ? 0 : Math.floor((now - since) / 1000);
      return {
        subject,
        summary: `${subject} has not been checked for ${duration(silentSeconds)} (the limit is ${duration(limitSeconds)}): the check worker may be stuck.`,
        facts: { lastCheckAt: entry.health?.lastCheckedAt ?? null, silentSeconds, limitSeconds, checkIntervalSeconds: entry.checkIntervalSeconds },
      };
    }
    default:
      throw new Error(`${rule.kind} is not an integration rule`);
  }
}

export function providerHolds(state: EvaluatorState, rule: AlertRule, provider: string): boolean {
  switch (rule.kind) {
    case 'provider_failure_rate': {
      const f = windowFigures(state, provider, rule.params.windowSeconds);
      return f.checks >= rule.params.minSample && (100 * f.failed) / f.checks > rule.params.thresholdPercent;
    }
    case 'provider_latency_p95': {
      const f = windowFigures(state, provider, rule.params.windowSeconds);
      if (f.checks - f.failed < rule.params.minSample) return false;
      return (quantile(f.okLatency, 0.95) ?? 0) > rule.params.thresholdMs;
    }
    case 'provider_incident': {
      const { minIntegrations, minUsers, failurePercent } = rule.params;
      const f = windowFigures(state, provider, rule.params.windowSeconds);
      return f.failingIntegrations >= minIntegrations && f.affectedUsers >= minUsers && (100 * f.failingIntegrations) / f.checkedIntegrations >= failurePercent;
    }
    default:
      throw new Error(`${rule.kind} is not a provider rule`);
  }
}

export function providerWords(state: EvaluatorState, rule: AlertRule, provider: string): Words {
  const subject = providerLabel(provider);
  switch (rule.kind) {
    case 'provider_failure_rate': {
      const { windowSeconds, thresholdPercent } = rule.params;
      const f = windowFigures(state, provider, windowSeconds);
      const rate = percent(f.failed, f.checks);
      return {
        subject,
        summary: `${subject}: ${rate} % of checks failed in the last ${duration(windowSeconds)} (${f.failed} of ${f.checks}; the limit is ${thresholdPercent} %).`,
        facts: { failureRatePercent: rate, failed: f.failed, sample: f.checks, thresholdPercent, windowSeconds },
      };
    }
    case 'provider_latency_p95': {
      const { windowSeconds, thresholdMs } = rule.params;
      const f = windowFigures(state, provider, windowSeconds);
      const sample = f.checks - f.failed;
      const p95 = quantile(f.okLatency, 0.95);
      return {
        subject,
        summary: `${subject} is slow: 1 in 20 successful checks took longer than ${p95} ms in the last ${duration(windowSeconds)} (the limit is ${thresholdMs} ms; ${sample} checks).`,
        facts: { p95Ms: p95, sample, thresholdMs, windowSeconds },
      };
    }
    case 'provider_incident': {
      const { windowSeconds } = rule.params;
      const f = windowFigures(state, provider, windowSeconds);
      const share = percent(f.failingIntegrations, f.checkedIntegrations);
      return {
        subject,
        summary: `${subject} looks down: ${f.failingIntegrations} integrations of ${f.affectedUsers} users are failing (${share} % of those checked in the last ${duration(windowSeconds)}).`,
        facts: { affectedIntegrations: f.failingIntegrations, affectedUsers: f.affectedUsers, checkedIntegrations: f.checkedIntegrations, failingPercent: share, windowSeconds },
      };
    }
    default:
      throw new Error(`${rule.kind} is not a provider rule`);
  }
}
