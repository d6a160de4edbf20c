// Words and markup shared by the templates. The `html` tag escapes every interpolated value
// unless it is markup this module built, so a hostile summary or fact cannot inject HTML.
import type { AlertResolved, AlertScope, AlertTransition } from '../types.js';
import { providerName } from '../../health/errorCatalog.js';

export class Markup {
  constructor(readonly value: string) {}
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => entities[c] ?? c);

const fragment = (value: unknown): string =>
  value instanceof Markup ? value.value : Array.isArray(value) ? value.map(fragment).join('') : escapeHtml(String(value ?? ''));

export function html(strings: TemplateStringsArray, ...values: unknown[]): Markup {
  return new Markup(strings.reduce((out, s, i) => out + s + (i < values.length ? fragment(values[i]) : ''), ''));
}

export const link = (href: string, label: string) => html`<a href="${href}">${label}</a>`;

/** Header-safe: no line breaks or other control characters, and not endless. */
export function oneLine(text: string, max = 150): string {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export type TransitionKind = 'raised' | 'escalated' | 'resolved';

export const kindOf = (t: AlertTransition): TransitionKind =>
  t.type === 'AlertRaised' ? 'raised' : t.type === 'AlertEscalated' ? 'escalated' : 'resolved';

const resolvedReasons: Record<AlertResolved['reason'], string> = {
  recovered: 'recovered',
  integration_disconnected: 'the integration was disconnected',
  rule_deleted: 'the rule was deleted',
  rule_disabled: 'the rule was disabled',
  suppressed: 'muted by a suppression',
  rule_changed: 'the rule was changed and no longer covers this',
};

export const resolvedBecause = (reason: AlertResolved['reason']) => resolvedReasons[reason];

export const scopeWords = (scope: AlertScope) =>
  scope.type === 'integration'
    ? `${providerName(scope.provider)} integration ${scope.integrationId} (user ${scope.userId})`
    : `all ${providerName(scope.provider)} integrations`;

export const integrationUrl = (webAppUrl: string, integrationId: string) =>
  `${webAppUrl.replace(/\/+$/, '')}/integrations/${encodeURIComponent(integrationId)}`;

export const docsUrl = (docsBaseUrl: string, docsPath: string) => `${docsBaseUrl.replace(/\/+$/, '')}/${docsPath}`;

export const newestFirst = <T extends AlertTransition>(transitions: readonly T[]) =>
  [...transitions].sort((a, b) => b.occurredAt - a.occurredAt);
