// The integration owner's email when their integration stops working or works again: plain
// words and the steps from the error catalog, never the technical facts (those are for admins),
// and the link to the integration's page, where the dashboard offers Reconnect.
import type { AlertTransition } from '../types.js';
import { adviceFor, providerName } from '../../health/errorCatalog.js';
import type { Links, RenderedEmail } from './adminDigest.js';
import { docsUrl, html, integrationUrl, link, oneLine, resolvedBecause } from './render.js';

export interface OwnerEmailContext {
  /** From the check that turned it red; null when there is none (e.g. no check arrived). */
  errorCode: string | null;
  links: Links;
  /** The name the owner gave the integration, when the notifier knows it. */
  integrationName?: string;
}

interface Content {
  subject: string;
  opening: string;
  steps: string[];
  docs: string | null;
}

function content(t: AlertTransition, provider: string, name: string, ctx: OwnerEmailContext): Content {
  if (t.type === 'AlertResolved') {
    return t.reason === 'recovered'
      ? { subject: `${name} works again`, opening: `Good news: your ${provider} integration "${name}" works again. Nothing to do.`, steps: [], docs: null }
      : { subject: `${name}: alert closed`, opening: `We stopped alerting about your ${provider} integration "${name}": ${resolvedBecause(t.reason)}.`, steps: [], docs: null };
  }
  const still = t.type === 'AlertEscalated' ? 'still ' : '';
  if (ctx.errorCode === null) {
    return { subject: `${name} is ${still}not working`, opening: `Your ${provider} integration "${name}" is ${still}not working as expected.`, steps: ['Open the integration in Pulse to see its latest checks.'], docs: docsUrl(ctx.links.docsBaseUrl, 'troubleshooting.md') };
  }
  const advice = adviceFor(ctx.errorCode, t.scope.provider);
  return { subject: `${name} is ${still}not working`, opening: `Your ${provider} integration "${name}" is ${still}not working. ${advice.message}`, steps: advice.steps, docs: docsUrl(ctx.links.docsBaseUrl, advice.docsPath) };
}

export function renderOwnerEmail(transition: AlertTransition, ctx: OwnerEmailContext): RenderedEmail {
  const { scope } = transition;
  if (scope.type !== 'integration') throw new Error('owner emails are for integration alerts');
  const provider = providerName(scope.provider);
  const name = oneLine(ctx.integrationName ?? provider, 80);
  const c = content(transition, provider, name, ctx);
  const page = integrationUrl(ctx.links.webAppUrl, scope.integrationId);

  const text = [
    'Hello,',
    '',
    c.opening,
    ...(c.steps.length ? ['', 'What to do:', ...c.steps.map((s, i) => `${i + 1}. ${s}`)] : []),
    '',
    `Open the integration (Reconnect is there when it is needed): ${page}`,
    ...(c.docs ? [`More help: ${c.docs}`] : []),
    '',
    '— Pulse',
  ].join('\n');

  const body = html`<!doctype html><html><body style="font-family:sans-serif"><p>Hello,</p><p>${c.opening}</p>${
    c.steps.length ? html`<p>What to do:</p><ol>${c.steps.map((s) => html`<li>${s}</li>`)}</ol>` : ''
  }<p>${link(page, 'Open the integration')} (Reconnect is there when it is needed)</p>${
    c.docs ? html`<p>More help: ${link(c.docs, 'troubleshooting')}</p>` : ''
  }<p>— Pulse</p></body></html>`;

  return { subject: `[Pulse] ${oneLine(c.subject)}`, text, html: body.value };
}
