// Alerting's vocabulary in words people read: rule kinds, resolutions, facts, channels,
// durations. The API speaks in ids and seconds; every screen of the section speaks this.
import type { AlertRule, RuleKind, Webhook } from '../../api/alertTypes';
import { providerName } from '../../lib/format';

export const kindInfo: Record<RuleKind, { label: string; scope: 'integration' | 'provider'; what: string }> = {
  integration_red: { label: 'Integration is red', scope: 'integration', what: 'An integration turns red, by the same status rules its owner sees.' },
  consecutive_failures: { label: 'Failed checks in a row', scope: 'integration', what: 'An integration fails a number of checks in a row.' },
  reauth_required: { label: 'Must be reconnected', scope: 'integration', what: 'Pulse lost access and only the owner can restore it.' },
  check_stalled: { label: 'Checks stalled', scope: 'integration', what: "No check has arrived for an integration for a while: Pulse's own workers, not the provider." },
  provider_failure_rate: { label: 'Provider failure rate', scope: 'provider', what: "Too many of a provider's checks fail within a window." },
  provider_latency_p95: { label: 'Provider latency (p95)', scope: 'provider', what: "The slowest 5 % of a provider's successful checks are too slow." },
  provider_incident: { label: 'Provider incident', scope: 'provider', what: 'Many integrations of many users fail together: the provider itself has a problem.' },
};

export const kindLabel = (kind: string) => kindInfo[kind as RuleKind]?.label ?? kind.replace(/_/g, ' ');

export const resolutionLabel: Record<string, string> = {
  recovered: 'Recovered',
  integration_disconnected: 'Integration disconnected',
  rule_deleted: 'Rule deleted',
  rule_disabled: 'Rule disabled',
  suppressed: 'Suppressed',
  rule_changed: 'Rule changed',
};
export const resolutionText = (r: string | null | undefined) => (r ? resolutionLabel[r] ?? r.replace(/_/g, ' ') : '—');

const factLabels: Record<string, string> = {
  errorCode: 'Error code', consecutiveFailures: 'Failures in a row', threshold: 'Threshold', reason: 'Reason',
  lastCheckAt: 'Last check', silentSeconds: 'Silent for', limitSeconds: 'Limit', checkIntervalSeconds: 'Check interval',
  failureRatePercent: 'Failure rate', failed: 'Failed checks', sample: 'Checks in the window', thresholdPercent: 'Threshold',
  windowSeconds: 'Window', p95Ms: 'Latency, p95', thresholdMs: 'Threshold', affectedIntegrations: 'Failing integrations',
  affectedUsers: 'Users affected', checkedIntegrations: 'Integrations checked', failingPercent: 'Share failing',
};
/** `errorCode` → "Error code"; unknown keys are split at their capitals. */
export const factLabel = (key: string) => factLabels[key] ?? (key.charAt(0).toUpperCase() + key.slice(1)).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase().replace(/^./, (c) => c.toUpperCase());

/** Facts are strings on the wire; their names say the unit. */
export function factValue(key: string, value: string): string {
  const n = Number(value);
  if (value === '' || !Number.isFinite(n)) return value;
  if (key.endsWith('Seconds')) return durationText(n);
  if (key.endsWith('Percent')) return `${n} %`;
  if (key.endsWith('Ms')) return `${n.toLocaleString()} ms`;
  if (key.endsWith('At') && n > 1e12) return new Date(n).toLocaleString();
  return n.toLocaleString();
}

/** 90 → "1 min 30 s", 86400 → "1 day". */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [['day', 86_400], ['h', 3_600], ['min', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n) parts.push(unit === 'day' ? `${n} ${n === 1 ? 'day' : 'days'}` : `${n} ${unit}`);
  }
  return parts.slice(0, 2).join(' ');
}

/** The API's messages count in seconds; people set durations in minutes and hours. */
export function humanizeMessage(message: string): string {
  const text = message.replace(/between (\d+) and (\d+) seconds/, (_m, a: string, b: string) => `between ${durationText(Number(a))} and ${durationText(Number(b))}`);
  return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
}

/** What a rule watches for, in one sentence. */
export function conditionText(rule: Pick<AlertRule, 'kind' | 'params'>): string {
  const p = rule.params;
  const win = p.windowSeconds ? durationText(p.windowSeconds) : '?';
  switch (rule.kind) {
    case 'integration_red': return 'Status turns red';
    case 'reauth_required': return 'Owner must reconnect';
    case 'consecutive_failures': return `${p.failures ?? '?'} failed checks in a row`;
    case 'check_stalled': return `No check for ${p.afterSeconds ? durationText(p.afterSeconds) : '?'}`;
    case 'provider_failure_rate': return `Over ${p.thresholdPercent ?? '?'} % failed in ${win} (at least ${p.minSample ?? '?'} checks)`;
    case 'provider_latency_p95': return `p95 over ${p.thresholdMs ?? '?'} ms in ${win} (at least ${p.minSample ?? '?'} checks)`;
    case 'provider_incident': return `${p.minIntegrations ?? '?'}+ integrations of ${p.minUsers ?? '?'}+ users failing (≥ ${p.failurePercent ?? '?'} %) in ${win}`;
  }
}

export const scopeText = (provider: string | null) => (provider ? providerName(provider) : 'All providers');

/** `email:3` / `webhook:<id>` (how deliveries name their channel) in words. */
export function channelText(channel: string, webhooks: Webhook[] | undefined): string {
  const [type, rest = ''] = channel.split(':');
  if (type === 'email') return `Email to ${rest} ${rest === '1' ? 'recipient' : 'recipients'}`;
  if (type === 'webhook') {
    const hook = webhooks?.find((w) => w.id === rest);
    return hook ? `Webhook “${hook.name}”` : 'Webhook (deleted)';
  }
  if (type === 'owner') return "Owner's email";
  return channel;
}

/** Where a rule's notifications go, briefly: "2 emails, 1 webhook". */
export function channelsText(channels: AlertRule['channels']): string {
  const emails = channels.filter((c) => c.type === 'email').reduce((n, c) => n + (c.type === 'email' ? c.to.length : 0), 0);
  const hooks = channels.filter((c) => c.type === 'webhook').length;
  const parts = [emails && `${emails} ${emails === 1 ? 'email' : 'emails'}`, hooks && `${hooks} ${hooks === 1 ? 'webhook' : 'webhooks'}`].filter(Boolean);
  return parts.length ? parts.join(', ') : 'Nobody';
}

/** Summaries quote an integration's name (Slack “Team Slack” of user 42): the friendliest label there is. */
export const quotedName = (summary: string) => /“([^”]+)”/.exec(summary)?.[1] ?? null;

/** `user:42` acknowledged from the dashboard; anything else is an admin's email. */
export const acknowledgerText = (by: string) => (by.startsWith('user:') ? `the owner (user ${by.slice(5)})` : by);
