// The admins' email: one digest for whatever transitions the notifier batched, grouped by
// what happened and newest first, with the figures behind each alert and where to look next.
import type { AlertTransition } from '../types.js';
import { adviceFor } from '../../health/errorCatalog.js';
import { docsUrl, html, integrationUrl, kindOf, link, newestFirst, oneLine, resolvedBecause, scopeWords, utc, type Markup, type TransitionKind } from './render.js';

export interface Links {
  /** Absolute, e.g. https://pulse.example.com */
  webAppUrl: string;
  /** Absolute, e.g. https://pulse.example.com/docs — an email cannot follow a relative link. */
  docsBaseUrl: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const groups: { kind: TransitionKind; title: string }[] = [
  { kind: 'raised', title: 'Raised' },
  { kind: 'escalated', title: 'Escalated (still unacknowledged)' },
  { kind: 'resolved', title: 'Resolved' },
];

interface Item {
  heading: string;
  lines: [label: string, value: string][];
  links: [label: string, href: string][];
}

function item(t: AlertTransition, links: Links): Item {
  const lines: Item['lines'] = [['Rule', `${t.ruleName} (${t.ruleKind})`], ['Scope', scopeWords(t.scope)], ['When', `${utc(t.occurredAt)}, open since ${utc(t.openedAt)}`]];
  const hrefs: Item['links'] = [];
  if (t.type === 'AlertRaised') {
    const facts = Object.entries(t.facts);
    if (facts.length > 0) lines.push(['Facts', facts.map(([k, v]) => `${k} ${v ?? '—'}`).join(', ')]);
    if (t.flapping) lines.push(['Flapping', 'changed state often lately; resolves only after a stable period']);
    const code = t.facts.errorCode;
    if (typeof code === 'string') hrefs.push(['What the error means', docsUrl(links.docsBaseUrl, adviceFor(code, t.scope.provider).docsPath)]);
  }
  if (t.type === 'AlertResolved') lines.push(['Resolved because', resolvedBecause(t.reason)]);
  if (t.scope.type === 'integration') hrefs.push(['Open the integration', integrationUrl(links.webAppUrl, t.scope.integrationId)]);
  return { heading: `${t.severity.toUpperCase()} ${t.summary}`, lines, links: hrefs };
}

function subjectOf(sorted: AlertTransition[], counts: Map<TransitionKind, number>): string {
  const [only] = sorted;
  if (sorted.length === 1 && only) return `[Pulse] ${only.severity.toUpperCase()} ${oneLine(only.summary)} — ${kindOf(only)}`;
  const parts = groups.filter((g) => counts.has(g.kind)).map((g) => `${counts.get(g.kind)} ${g.kind}`);
  return `[Pulse] ${sorted.length} alerts: ${parts.join(', ')}`;
}

export function renderAdminDigest(transitions: readonly AlertTransition[], links: Links): RenderedEmail {
  if (transitions.length === 0) throw new Error('a digest needs at least one transition');
  const sorted = newestFirst(transitions);
  const grouped = groups
    .map((g) => ({ ...g, items: sorted.filter((t) => kindOf(t) === g.kind).map((t) => item(t, links)) }))
    .filter((g) => g.items.length > 0);
  const counts = new Map(grouped.map((g) => [g.kind, g.items.length] as const));

  const text = [
    ...grouped.flatMap((g) => [
      `${g.title} (${g.items.length})`,
      '',
      ...g.items.flatMap((i) => [`* ${i.heading}`, ...i.lines.map(([k, v]) => `  ${k}: ${v}`), ...i.links.map(([k, v]) => `  ${k}: ${v}`), '']),
    ]),
    `Pulse: ${links.webAppUrl}`,
  ].join('\n');

  const itemHtml = (i: Item): Markup => html`<li style="margin-bottom:12px"><strong>${i.heading}</strong><br>${i.lines.map(
    ([k, v]) => html`${k}: ${v}<br>`,
  )}${i.links.map(([k, v]) => html`${link(v, k)}<br>`)}</li>`;
  const body = html`<!doctype html><html><body style="font-family:sans-serif">${grouped.map(
    (g) => html`<h2>${g.title} (${g.items.length})</h2><ul>${g.items.map(itemHtml)}</ul>`,
  )}<p>${link(links.webAppUrl, 'Open Pulse')}</p></body></html>`;

  return { subject: subjectOf(sorted, counts), text, html: body.value };
}
