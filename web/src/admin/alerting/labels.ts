// Alerting's vocabulary in words people read: resolutions, facts, channels, durations. The API
// speaks in ids and seconds; every screen of the section speaks this. Rule kinds bring their
// own words from the API (ruleKinds.ts).
import type { AlertRule, Webhook } from '../../api/alertTypes';
import { providerName } from '../../lib/format';

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
