// Alerts in words a support person can act on without opening a dashboard. The figures go
// in `facts`; the summary says the same thing as a sentence.
import { kindOf } from './kinds/index.js';
import type { AlertResolved, AlertRule, AlertScope } from './types.js';

/** Every provider Pulse checks, by the name people know it by. */
export const providerLabels: Record<string, string> = {
  gmail: 'Gmail',
  google_calendar: 'Google Calendar',
  slack: 'Slack',
  mcp: 'MCP server',
  http: 'HTTP API',
};

export const providerLabel = (provider: string) => providerLabels[provider] ?? provider;

/** "15 minutes", "2 hours", "3 days": rounded, because a summary is read, not parsed. */
export function duration(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 120) return plural(Math.round(seconds), 'second');
  if (seconds < 2 * 3600) return plural(Math.round(seconds / 60), 'minute');
  if (seconds < 2 * 86_400) return plural(Math.round(seconds / 3600), 'hour');
  return plural(Math.round(seconds / 86_400), 'day');
}

export const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10);

export function integrationSubject(provider: string, displayName: string | null, integrationId: string, userId: string): string {
  const name = displayName ? `“${displayName}”` : `integration ${integrationId}`;
  return `${providerLabel(provider)} ${name} of user ${userId}`;
}

export function scopeSubject(scope: AlertScope): string {
  return scope.type === 'provider' ? providerLabel(scope.provider) : integrationSubject(scope.provider, null, scope.integrationId, scope.userId);
}

export function resolvedSummary(rule: AlertRule, subject: string, reason: AlertResolved['reason']): string {
  switch (reason) {
    case 'recovered':
      return kindOf(rule.kind).recovered(subject);
    case 'integration_disconnected':
      return `${subject} was disconnected, so its alert is closed.`;
    case 'rule_deleted':
      return `The alert rule “${rule.name}” was deleted, so its alert about ${subject} is closed.`;
    case 'rule_disabled':
      return `The alert rule “${rule.name}” was turned off, so its alert about ${subject} is closed.`;
    case 'rule_changed':
      return `The alert rule “${rule.name}” no longer covers ${subject}, so its alert is closed.`;
    case 'suppressed':
      return `The alert about ${subject} was muted.`;
  }
}

export function escalatedSummary(afterSeconds: number, summary: string): string {
  return `Nobody has acknowledged this for ${duration(afterSeconds)}: ${summary}`;
}
