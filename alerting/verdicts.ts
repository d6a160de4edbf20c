// Does a rule's condition hold for one scope right now, and how would we say so? One function
// per scope type; the figures come from the integration entry or the provider's window.
import { adviceFor } from '../projections/errorAdvice.js';
import { quantile } from '../projections/latencySketch.js';
import { duration, integrationSubject, percent, providerLabel } from './describe.js';
import type { Facts, Verdict } from './noise.js';
import type { EvaluatorState, IntegrationEntry } from './state.js';
import type { AlertRule } from './types.js';
import { windowFigures } from './windows.js';

export const integrationKinds = new Set<AlertRule['kind']>(['integration_red', 'consecutive_failures', 'reauth_required', 'check_stalled']);

export const appliesTo = (rule: AlertRule, provider: string) => rule.enabled && (rule.provider === null || rule.provider === provider);

/** When an integration was last heard of: its newest check, or its (re)connection if later. */
function lastSign(entry: IntegrationEntry): number | null {
  const times = [entry.health?.lastCheckedAt, entry.connectedAt].filter((t): t is number => typeof t === 'number');
  return times.length ? Math.max(...times) : null;
}

export function integrationVerdict(rule: AlertRule, entry: IntegrationEntry, now: number): Verdict {
  const h = entry.health;
  const failures = h?.consecutiveFailures ?? 0;
  const code = h?.errorCode ?? null;
  // Words cost more than the condition and are needed only for a raise.
  const said = (words: (subject: string) => [string, Facts]) => () => {
    const subject = integrationSubject(entry.provider, entry.displayName, entry.integrationId, entry.userId);
    const [summary, facts] = words(subject);
    return { subject, summary, facts };
  };
  switch (rule.kind) {
    case 'integration_red':
      return {
        holds: h?.status === 'red',
        describe: said((s) => {
          const why = code ? adviceFor(code, entry.provider).message : 'its checks are failing.';
          const streak = failures > 1 ? ` ${failures} checks in a row have failed.` : '';
          return [`${s} is red: ${why}${streak}`, { errorCode: code, consecutiveFailures: failures }];
        }),
      };
    case 'consecutive_failures':
      return {
        holds: failures >= rule.params.failures,
        describe: said((s) => [`${s}: ${failures} checks in a row have failed${code ? ` (${code})` : ''}.`, { errorCode: code, consecutiveFailures: failures, threshold: rule.params.failures }]),
      };
    case 'reauth_required': {
      const reason = entry.reauth?.reason ?? null;
      return {
        holds: entry.reauth !== null,
        describe: said((s) => [`${s} has lost access: its owner must reconnect it (${reason ?? 'no reason given'}).`, { reason, errorCode: code }]),
      };
    }
    case 'check_stalled': {
      const since = lastSign(entry);
      const limitSeconds = Math.max(rule.params.afterSeconds, 3 * (entry.checkIntervalSeconds ?? 0));
      const silentSeconds = since === null ? 0 : Math.floor((now - since) / 1000);
      return {
        holds: since !== null && silentSeconds >= limitSeconds,
        describe: said((s) => [
          `${s} has not been checked for ${duration(silentSeconds)} (the limit is ${duration(limitSeconds)}): the check worker may be stuck.`,
          { lastCheckAt: h?.lastCheckedAt ?? null, silentSeconds, limitSeconds, checkIntervalSeconds: entry.checkIntervalSeconds },
        ]),
      };
    }
    default:
      throw new Error(`${rule.kind} is not an integration rule`);
  }
}

export function providerVerdict(state: EvaluatorState, rule: AlertRule, provider: string): Verdict {
  const name = providerLabel(provider);
  const said = (words: () => [string, Facts]) => () => {
    const [summary, facts] = words();
    return { subject: name, summary, facts };
  };
  switch (rule.kind) {
    case 'provider_failure_rate': {
      const { windowSeconds, thresholdPercent, minSample } = rule.params;
      const f = windowFigures(state, provider, windowSeconds);
      const rate = percent(f.failed, f.checks);
      return {
        holds: f.checks >= minSample && (100 * f.failed) / f.checks > thresholdPercent,
        describe: said(() => [`${name}: ${rate} % of checks failed in the last ${duration(windowSeconds)} (${f.failed} of ${f.checks}; the limit is ${thresholdPercent} %).`, {
          failureRatePercent: rate,
          failed: f.failed,
          sample: f.checks,
          thresholdPercent,
          windowSeconds,
        }]),
      };
    }
    case 'provider_latency_p95': {
      const { windowSeconds, thresholdMs, minSample } = rule.params;
      const f = windowFigures(state, provider, windowSeconds);
      const sample = f.checks - f.failed;
      const p95 = sample >= minSample ? quantile(f.okLatency, 0.95) : null;
      return {
        holds: p95 !== null && p95 > thresholdMs,
        describe: said(() => [`${name} is slow: 1 in 20 successful checks took longer than ${p95} ms in the last ${duration(windowSeconds)} (the limit is ${thresholdMs} ms; ${sample} checks).`, {
          p95Ms: p95,
          sample,
          thresholdMs,
          windowSeconds,
        }]),
      };
    }
    case 'provider_incident': {
      const { windowSeconds, minIntegrations, minUsers, failurePercent } = rule.params;
      const f = windowFigures(state, provider, windowSeconds);
      const share = percent(f.failingIntegrations, f.checkedIntegrations);
      return {
        holds: f.failingIntegrations >= minIntegrations && f.affectedUsers >= minUsers && (100 * f.failingIntegrations) / f.checkedIntegrations >= failurePercent,
        describe: said(() => [`${name} looks down: ${f.failingIntegrations} integrations of ${f.affectedUsers} users are failing (${share} % of those checked in the last ${duration(windowSeconds)}).`, {
          affectedIntegrations: f.failingIntegrations,
          affectedUsers: f.affectedUsers,
          checkedIntegrations: f.checkedIntegrations,
          failingPercent: share,
          windowSeconds,
        }]),
      };
    }
    default:
      throw new Error(`${rule.kind} is not a provider rule`);
  }
}
