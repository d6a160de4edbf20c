import { expect } from 'chai';
import { renderAdminDigest, renderOwnerEmail, webhookBody } from '../../alerting/delivery/index.js';
import type { AlertEscalated, AlertRaised, AlertResolved } from '../../alerting/types.js';
import { adviceFor } from '../../health/errorCatalog.js';

const links = { webAppUrl: 'https://pulse.example.com', docsBaseUrl: 'https://pulse.example.com/docs' };
const minute = 60_000;
const t0 = Date.parse('2025-03-01T12:00:00Z');

const base = {
  ruleId: 'rule-1',
  ruleName: 'Gmail failure rate',
  ruleKind: 'provider_failure_rate' as const,
  severity: 'critical' as const,
  scope: { type: 'provider' as const, provider: 'gmail' },
  openedAt: t0,
};

const raised = (over: Partial<AlertRaised> = {}): AlertRaised => ({
  ...base,
  type: 'AlertRaised',
  alertId: 'a1',
  transitionId: 'a1:raised',
  occurredAt: t0,
  summary: 'Gmail failure rate 45 %',
  facts: { failurePercent: 45, sample: 120, errorCode: 'timeout' },
  flapping: false,
  channels: [{ type: 'email', to: ['ops@example.com'] }, { type: 'webhook', webhookId: 'wh-secret-ref' }],
  notifyOwner: false,
  ...over,
});

const ownerScope = { type: 'integration' as const, integrationId: 'int-42', userId: 'user-7', provider: 'gmail' };

const integrationRaised = raised({
  alertId: 'a2', transitionId: 'a2:raised', occurredAt: t0 + 5 * minute, ruleName: 'Red integrations', ruleKind: 'integration_red',
  severity: 'warning', scope: ownerScope, summary: 'Gmail for ann@…: 3 checks failed in a row (token_revoked)',
  facts: { errorCode: 'token_revoked', failures: 3 }, notifyOwner: true,
});

const resolved: AlertResolved = {
  ...base, type: 'AlertResolved', alertId: 'a0', transitionId: 'a0:resolved', occurredAt: t0 + 2 * minute,
  summary: 'Slack latency back to normal', reason: 'recovered', channels: [], notifyOwner: false,
  scope: { type: 'provider', provider: 'slack' },
};

const escalated: AlertEscalated = {
  ...base, type: 'AlertEscalated', alertId: 'a3', transitionId: 'a3:escalated', occurredAt: t0 + minute, summary: 'Calendar checks stalled', channels: [],
};

describe('notification templates', () => {
  describe('admin digest', () => {
    it('names severity, summary and what happened when there is one transition', () => {
      expect(renderAdminDigest([raised()], links).subject).to.equal('[Pulse] CRITICAL Gmail failure rate 45 % — raised');
      expect(renderAdminDigest([resolved], links).subject).to.equal('[Pulse] CRITICAL Slack latency back to normal — resolved');
    });

    it('counts by kind in the subject and lists groups newest first', () => {
      const digest = renderAdminDigest([raised(), resolved, integrationRaised], links);
      expect(digest.subject).to.equal('[Pulse] 3 alerts: 2 raised, 1 resolved');
      const text = digest.text;
      expect(text.indexOf('Raised (2)')).to.be.lessThan(text.indexOf('Resolved (1)'));
      expect(text.indexOf('Gmail for ann@')).to.be.lessThan(text.indexOf('Gmail failure rate 45 %'));
      expect(text).to.contain('Resolved because: recovered');
      expect(renderAdminDigest([escalated, raised(), resolved], links).subject).to.equal('[Pulse] 3 alerts: 1 raised, 1 escalated, 1 resolved');
    });

    it('carries the facts, the integration link and the docs for the error code', () => {
      const { text, html } = renderAdminDigest([integrationRaised, raised()], links);
      expect(text).to.contain('Facts: errorCode token_revoked, failures 3');
      expect(text).to.contain('https://pulse.example.com/integrations/int-42');
      expect(text).to.contain('https://pulse.example.com/docs/troubleshooting.md#token_revoked');
      expect(text).to.contain('https://pulse.example.com/docs/troubleshooting.md#timeout');
      expect(html).to.contain('href="https://pulse.example.com/integrations/int-42"');
      expect(text).to.contain('2025-03-01 12:05 UTC');
    });

    it('escapes every value in HTML and keeps the subject on one line', () => {
      const hostile = '<script>alert(1)</script> & "q" \'s <img src=x onerror=alert(2)>\r\nBcc: victim@example.com';
      const { subject, html, text } = renderAdminDigest(
        [raised({ summary: hostile, ruleName: '<b>rule</b>', facts: { '<i>k</i>': '<svg onload=x>', n: null } })],
        links,
      );
      expect(html).to.not.match(/<script|<img|<svg|<b>rule|<i>k/);
      expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;s &lt;img src=x onerror=alert(2)&gt;');
      expect(html).to.contain('&lt;svg onload=x&gt;');
      expect(subject).to.not.match(/[\r\n]/);
      expect(subject).to.contain('Bcc: victim@example.com'); // harmless once it is on the subject line
      expect(text).to.contain('<script>alert(1)</script>'); // plain text is not HTML
    });

    it('never shows where else the alert goes', () => {
      const { text, html } = renderAdminDigest([raised()], links);
      expect(text + html).to.not.contain('ops@example.com').and.to.not.contain('wh-secret-ref');
    });
  });

  describe('owner email', () => {
    const ctx = { errorCode: 'token_revoked', links, integrationName: 'Team inbox' };

    it('says what is wrong and what to do, with the docs and the reconnect link', () => {
      const { subject, text, html } = renderOwnerEmail(integrationRaised, ctx);
      const advice = adviceFor('token_revoked', 'gmail');
      expect(subject).to.equal('[Pulse] Team inbox is not working');
      expect(text).to.contain(advice.message);
      expect(text).to.contain(`1. ${advice.steps[0]}`);
      expect(text).to.contain(`2. ${advice.steps[1]}`);
      expect(advice.steps[0]).to.match(/^Reconnect Gmail/);
      expect(text).to.contain('https://pulse.example.com/integrations/int-42');
      expect(text).to.contain('https://pulse.example.com/docs/troubleshooting.md#token_revoked');
      expect(html).to.contain('href="https://pulse.example.com/integrations/int-42"');
      expect(html).to.contain(`<li>${advice.steps[0]}</li>`);
    });

    it('leaves the technical facts to admins', () => {
      const { text, html } = renderOwnerEmail(raised({ ...integrationRaised, facts: { detail: 'upstream said 0xdeadbeef' } }), ctx);
      expect(text + html).to.not.contain('0xdeadbeef');
    });

    it('tells the owner when it works again', () => {
      const recovered: AlertResolved = { ...resolved, scope: ownerScope, notifyOwner: true };
      const { subject, text } = renderOwnerEmail(recovered, ctx);
      expect(subject).to.equal('[Pulse] Team inbox works again');
      expect(text).to.contain('works again. Nothing to do.');
    });

    it('falls back to plain words without an error code, and escapes the integration name', () => {
      const { text, html } = renderOwnerEmail(integrationRaised, { errorCode: null, links, integrationName: '<b>x</b>' });
      expect(text).to.contain('not working as expected');
      expect(html).to.contain('&lt;b&gt;x&lt;/b&gt;').and.not.contain('<b>x</b>');
    });

    it('encodes the integration id in the link and refuses provider-wide alerts', () => {
      const odd = raised({ ...integrationRaised, scope: { ...ownerScope, integrationId: 'a/b?c' } });
      expect(renderOwnerEmail(odd, ctx).text).to.contain('https://pulse.example.com/integrations/a%2Fb%3Fc');
      expect(() => renderOwnerEmail(raised(), ctx)).to.throw(/integration/);
    });
  });

  describe('webhook body', () => {
    it('has one shape for every transition, newest first, with ISO times', () => {
      const sentAt = t0 + 10 * minute;
      const body = webhookBody([raised(), resolved, integrationRaised, escalated], sentAt);
      expect(body.type).to.equal('pulse.alerts');
      expect(body.sentAt).to.equal('2025-03-01T12:10:00.000Z');
      expect(body.alerts.map((a) => a.transitionId)).to.deep.equal(['a2:raised', 'a0:resolved', 'a3:escalated', 'a1:raised']);
      expect(body.alerts[0]).to.deep.equal({
        transitionId: 'a2:raised', alertId: 'a2', ruleId: 'rule-1', ruleName: 'Red integrations', ruleKind: 'integration_red',
        kind: 'raised', severity: 'warning', scope: ownerScope, summary: integrationRaised.summary,
        facts: { errorCode: 'token_revoked', failures: 3 }, flapping: false, resolvedReason: null,
        occurredAt: '2025-03-01T12:05:00.000Z', openedAt: '2025-03-01T12:00:00.000Z',
      });
      expect(body.alerts[1]).to.include({ kind: 'resolved', resolvedReason: 'recovered' });
      expect(body.alerts[1]?.facts).to.deep.equal({});
      expect(body.alerts[2]).to.include({ kind: 'escalated' });
    });

    it('does not carry channels', () => {
      const json = JSON.stringify(webhookBody([raised()]));
      expect(json).to.not.contain('ops@example.com').and.to.not.contain('wh-secret-ref').and.to.not.contain('channels');
    });
  });
});
