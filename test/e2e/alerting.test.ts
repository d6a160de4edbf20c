// The alerting pages in a real browser against the real stack, with the alert evaluator and
// notifier running: an admin adds a webhook (its secret shown once), tests it and the mail
// relay, writes a rule (a refused value first), and sees the alert a real provider fault
// raises — delivered to the webhook, acknowledged with a note; the owner sees it on their
// integration page and acknowledges theirs; a provider incident puts a banner on their
// dashboard; the rule is back-tested on the history it just made; something is muted and
// unmuted. Screenshots of each screen land in test-results/screenshots/ (20-…).
// Rules and provider incidents are global to an evaluator: the suite runs in an environment of
// its own (ownEnvironment), so what it sees is what it made — no other suite's failing Slack
// integrations opening an incident that rightly holds its alert back.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { issueUserToken } from '../../api/auth.js';
import type { SimProvider } from '../../simulator/types.js';
import { ensureWebBuilt } from '../../web/scripts/ensureBuilt.js';
import { adminSession, createTestAdmin, type AdminCredentials } from '../support/adminSession.js';
import { startReceiver, startSmtp } from '../support/alertSinks.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, withReach, type RunningPulse } from '../support/pulse.js';
import { completeOAuth, simulatorAndSettings, type Simulator } from '../support/simulated.js';
import { freePort, launchBrowser, openPage, overflowing, screenshot, type WatchedPage } from './support/browser.js';
import { openFromNav, signInToPortal } from './support/portal.js';

/** Toasts would cover what a screenshot is for. */
async function dismissToasts(page: Page) {
  const close = page.getByRole('button', { name: 'Dismiss notification' });
  // One at a time: the list shifts as each goes (and one may time out by itself meanwhile).
  while (await close.count()) await close.first().click({ timeout: 1_000 }).catch(() => {});
}

describe('alerting pages in a browser (e2e)', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let sim: Simulator;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let url: string;
  let token: string;
  let admin: AdminCredentials;
  let secret = '';
  const ids: Record<string, string> = {};
  const accounts: Record<string, string> = {};
  const userId = 'e2e-alerts';
  const ruleName = 'Slack integration red';
  const hookName = 'Ops receiver';
  const ownAlertRow = (page: Page) => page.getByRole('region', { name: 'Alerts' }).getByRole('row', { name: new RegExp(`${ruleName}.*Team Slack`) });

  async function connect(name: string, provider: SimProvider) {
    accounts[name] = sim.createAccount({ provider }).account;
    const created = await pulse.api('POST', '/api/integrations', { token, body: { provider, displayName: name, config: {}, checkIntervalSeconds: 1 } });
    expect(created.status, created.text).to.equal(202);
    expect(await completeOAuth(pulse, created.body.authorizeUrl, accounts[name]!)).to.include('connected=1');
    ids[name] = created.body.id;
  }
  const health = (name: string) => pulse.api('GET', `/api/integrations/${ids[name]}/health`, { token });

  before(async function () {
    this.timeout(180_000);
    ensureWebBuilt({ quiet: true });
    env = await ownEnvironment('e2e_alerting');
    smtp = await startSmtp();
    receiver = await startReceiver(() => secret);
    const simulated = await simulatorAndSettings();
    sim = simulated.sim;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    pulse = await startPulse({
      roles: ['projectors', 'worker', 'alerts', 'api'],
      overrides: {
        ...env.overrides,
        ...withReach(simulated.overrides, [receiver.url]), API_PORT: String(port), PUBLIC_API_URL: url, WEB_APP_URL: url,
        SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), ALERT_DIGEST_SECONDS: '1', ALERT_TICK_SECONDS: '1',
      },
    });
    token = issueUserToken(pulse.rt.config.auth.jwtSecret, userId, 3600, 'owner@example.com');
    await connect('Team Slack', 'slack');
    await connect('Work Gmail', 'gmail');
    browser = await launchBrowser();
    admin = await createTestAdmin(pulse);
    await eventually(async () => (await Promise.all(Object.keys(ids).map(health))).every((h) => h.body?.status === 'green'), 'both integrations green', 60_000, 250);
  });

  after(async () => {
    await browser?.close();
    await pulse?.stop();
    await sim?.close();
    receiver?.server.close();
    await smtp?.close();
    await env?.drop();
  });

  describe('admin', () => {
    let w: WatchedPage;
    let page: Page;
    let alertId = '';
    before(async () => {
      w = await openPage(browser);
      page = w.page;
      await w.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    });
    after(async () => {
      expect(w.errors, 'uncaught errors in the page').to.deep.equal([]);
      await w.context.close();
    });

    it('adds a webhook and shows its signing secret once, with a copy button', async () => {
      await signInToPortal(page, url, admin, '/alerting');
      await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
      await openFromNav(page, 'Webhooks & tests');
      await page.getByLabel('Name', { exact: true }).fill(hookName);
      await page.getByLabel('URL', { exact: true }).fill(receiver.url);
      await page.getByRole('button', { name: 'Add webhook' }).click();
      const reveal = page.getByRole('region', { name: new RegExp(`Signing secret of “${hookName}”`) });
      await reveal.getByText('you will not see it again').waitFor();
      secret = await reveal.getByLabel('Signing secret').inputValue();
      expect(secret).to.match(/^whsec_[A-Za-z0-9+/=]{40,}$/);
      await reveal.getByRole('button', { name: 'Copy' }).click();
      await reveal.getByText('Copied to the clipboard.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(secret);
      await page.locator('.hook', { hasText: hookName }).waitFor();
      await screenshot(page, '20-alerting-webhook-secret');
      await reveal.getByRole('button', { name: 'I have stored it' }).click();
      await reveal.waitFor({ state: 'detached' });
      expect(await page.content(), 'the secret is gone from the page').to.not.include(secret);
      expect(await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage })), 'never stored').to.not.include('whsec_');
    });

    it('sends test notifications to the webhook and by email, and says how they went', async () => {
      const hook = page.locator('.hook', { hasText: hookName });
      await hook.getByRole('button', { name: 'Send test' }).click();
      await hook.getByText('Test notification delivered (1 attempt).').waitFor();
      const delivered = await eventually(async () => receiver.hooks.find((h) => h.body.alerts?.[0]?.ruleId === 'test'), 'the test at the receiver');
      expect(delivered.verified, 'signed with the secret shown').to.equal(true);
      await page.getByLabel('Send to').fill('ops@example.com');
      await page.getByRole('button', { name: 'Send test email' }).click();
      await page.getByText('Test email delivered (1 attempt).').waitFor();
      expect(smtp.mails.some((m) => m.to.includes('ops@example.com'))).to.equal(true);
      await screenshot(page, '21-alerting-webhooks');
    });

    it('creates a rule, showing a refused value next to its field first', async () => {
      await openFromNav(page, 'Rules');
      await page.getByRole('heading', { name: 'Alert rules', level: 1 }).waitFor();
      await page.getByRole('row', { name: /Integration is red/ }).first().waitFor();
      await page.getByRole('link', { name: 'New rule' }).first().click();
      await page.getByLabel('Name', { exact: true }).fill(ruleName);
      await page.getByRole('radio', { name: 'Critical' }).check();
      await page.getByLabel('Provider', { exact: true }).selectOption('slack');
      await page.getByLabel('Escalate when nobody acknowledges it').check();
      await page.getByLabel('Escalate after', { exact: true }).fill('30');
      await page.getByLabel('Escalate after unit').selectOption({ label: 'seconds' });
      await page.getByRole('group', { name: 'Notify' }).getByRole('checkbox', { name: new RegExp(hookName) }).check();
      await page.getByRole('button', { name: 'Create rule' }).click();

      const error = page.locator('#rule-escalate-after-error');
      await error.waitFor();
      expect(await error.innerText()).to.equal('Must be between 1 min and 30 days.');
      expect(await page.getByLabel('Escalate after', { exact: true }).getAttribute('aria-invalid')).to.equal('true');
      expect(await page.evaluate(() => document.activeElement?.id), 'focus on the field to fix').to.equal('rule-escalate-after');
      await page.getByRole('alert').filter({ hasText: 'One field needs your attention' }).waitFor();
      await screenshot(page, '22-alerting-rule-error');

      await page.getByLabel('Escalate after unit').selectOption({ label: 'minutes' });
      await page.getByLabel('Escalate after', { exact: true }).fill('15');
      expect(await error.count(), 'fixed: the message goes').to.equal(0);
      await page.getByRole('button', { name: 'Create rule' }).click();
      await page.getByRole('heading', { name: 'Alert rules', level: 1 }).waitFor();
      const row = page.getByRole('row', { name: new RegExp(ruleName) });
      await row.waitFor();
      expect(await row.innerText()).to.include('1 webhook').and.include('Escalates after 15 min');
    });

    it('switches a rule off and on in place, by keyboard too', async () => {
      const toggle = page.getByRole('switch', { name: 'Rule “Provider p95 latency above 3 s” enabled' });
      await toggle.focus();
      await page.keyboard.press('Space');
      await page.locator('[role="switch"][aria-checked="false"][aria-label="Rule “Provider p95 latency above 3 s” enabled"]:not([aria-busy])').waitFor();
      await dismissToasts(page);
      await screenshot(page, '23-alerting-rules');
      await toggle.click();
      await page.locator('[role="switch"][aria-checked="true"][aria-label="Rule “Provider p95 latency above 3 s” enabled"]:not([aria-busy])').waitFor();
    });

    it('shows the alert a provider fault raises, with open alerts counted by severity', async () => {
      sim.setFaults(accounts['Team Slack']!, { unauthorized: 'revoked' });
      await openFromNav(page, 'Alerts');
      const row = ownAlertRow(page);
      await row.waitFor({ timeout: 40_000 });
      expect(await row.innerText()).to.include('Critical').and.include('Slack').and.include('Not yet');
      alertId = (await row.getAttribute('data-alert-id'))!;
      const critical = page.getByRole('button', { name: /Open, critical/ });
      await eventually(async () => Number(/\d+/.exec(await critical.innerText())?.[0]) >= 1, 'the critical count', 15_000, 250);
      await eventually(async () => receiver.hooks.some((h) => h.body.alerts?.some((a: any) => a.alertId === alertId && a.kind === 'raised')), 'the raise at the webhook', 20_000);
      await screenshot(page, '24-alerting-alerts');
      await critical.click();
      expect(await critical.getAttribute('aria-pressed')).to.equal('true');
      expect(await page.getByLabel('Severity').inputValue()).to.equal('critical');
    });

    it('acknowledges the alert with a note and shows who did', async () => {
      await ownAlertRow(page).getByRole('link', { name: ruleName }).click();
      await page.getByRole('heading', { name: ruleName, level: 1 }).waitFor();
      await page.getByText(`Webhook “${hookName}”`).first().waitFor({ timeout: 20_000 });
      await page.getByLabel('Note (optional)').fill('On it: the Slack workspace admin revoked our token.');
      await page.getByRole('button', { name: 'Acknowledge' }).click();
      const by = page.getByTestId('acknowledged-by');
      await by.getByText(`by ${admin.email}`).waitFor();
      await page.locator('.timeline__item--acknowledged', { hasText: 'revoked our token' }).waitFor();
      expect(await page.getByRole('button', { name: 'Acknowledge' }).count(), 'nothing left to acknowledge').to.equal(0);
      await screenshot(page, '25-alerting-alert-detail');
    });

    it('back-tests the rule on the history the fault just made', async () => {
      await openFromNav(page, 'Rules');
      await page.getByRole('link', { name: new RegExp(ruleName) }).click();
      await page.getByRole('heading', { name: `Edit “${ruleName}”` }).waitFor();
      await page.getByLabel('Period').selectOption('1');
      await page.getByRole('button', { name: 'Run backtest' }).click();
      const summary = page.locator('.bt-summary');
      await summary.waitFor({ timeout: 30_000 });
      // This suite's Slack integration went red once: that is all the history there is.
      expect(await summary.innerText()).to.match(/would have raised 1 alert about 1 integration\b/);
      await page.locator('.bt-timeline__bar').first().waitFor();
      await page.getByRole('cell', { name: /Team Slack/ }).first().waitFor();
      await page.locator('#backtest-heading').scrollIntoViewIfNeeded();
      await screenshot(page, '26-alerting-backtest');
    });

    it('mutes the rule, then ends the suppression', async () => {
      await openFromNav(page, 'Suppressions');
      await page.getByRole('heading', { name: 'Suppressions & maintenance', level: 1 }).waitFor();
      await page.getByLabel('Rule', { exact: true }).selectOption({ label: ruleName });
      await page.getByRole('group', { name: 'End after' }).getByRole('button', { name: '4 h' }).click();
      await page.getByLabel('Reason').fill('Slack workspace migration, OPS-1234');
      await page.getByRole('button', { name: 'Mute now' }).click();
      const item = page.getByRole('list', { name: 'Active suppressions' }).getByRole('listitem').filter({ hasText: 'OPS-1234' });
      await item.waitFor();
      expect(await item.innerText()).to.include(ruleName).and.include('Muted until').and.include(admin.email);
      await screenshot(page, '27-alerting-suppressions');
      await item.getByRole('button', { name: 'End now' }).click();
      await item.getByRole('button', { name: 'End it now' }).click();
      await page.getByText('Nothing is muted.').waitFor();
    });

    it('fits a phone (360 px)', async () => {
      await page.setViewportSize({ width: 360, height: 780 });
      await dismissToasts(page);
      await openFromNav(page, 'Alerts');
      await page.getByRole('region', { name: 'Alerts' }).waitFor();
      expect(await overflowing(page)).to.deep.equal([]);
      await screenshot(page, '28-alerting-phone');
      await page.getByRole('link', { name: ruleName }).first().click();
      await page.getByTestId('acknowledged-by').waitFor();
      expect(await overflowing(page)).to.deep.equal([]);
      await openFromNav(page, 'Rules');
      await page.getByRole('link', { name: 'New rule' }).first().click();
      await page.getByLabel('Name', { exact: true }).waitFor();
      expect(await overflowing(page)).to.deep.equal([]);
      await screenshot(page, '29-alerting-rule-phone');
    });

    it('follows the system dark mode', async () => {
      const dark = await openPage(browser, { dark: true, reducedMotion: true });
      try {
        await signInToPortal(dark.page, url, admin, `/alerting/alerts/${alertId}`);
        await dark.page.getByTestId('acknowledged-by').waitFor();
        await dark.page.getByText(`Webhook “${hookName}”`).first().waitFor();
        await screenshot(dark.page, '29-alerting-alert-dark');
        expect(dark.errors).to.deep.equal([]);
      } finally {
        await dark.context.close();
      }
    });
  });

  describe('owner', () => {
    let w: WatchedPage;
    let page: Page;
    before(async () => {
      w = await openPage(browser);
      page = w.page;
    });
    after(async () => {
      expect(w.errors, 'uncaught errors in the page').to.deep.equal([]);
      await w.context.close();
    });

    it('sees the alerts on the integration page and acknowledges one', async () => {
      await page.goto(`${url}/#token=${token}`);
      await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Team Slack', exact: true }).click();
      const alerts = page.getByRole('region', { name: 'Alerts' });
      const mine = alerts.locator('.user-alert', { hasText: ruleName });
      await mine.getByText('Acknowledged by the support team').waitFor();
      const other = alerts.locator('.user-alert', { hasText: 'Integration is red' });
      await other.getByRole('button', { name: /Acknowledge/ }).click();
      await other.getByText('Acknowledged by you').waitFor();
      await screenshot(page, '30-user-integration-alerts');
      await page.setViewportSize({ width: 360, height: 780 });
      expect(await overflowing(page)).to.deep.equal([]);
      await page.setViewportSize({ width: 1280, height: 880 });
    });

    it('explains a provider incident on the dashboard', async () => {
      const call = await adminSession(pulse);
      const rule = await call('POST', '/api/admin/alert-rules', { body: {
        name: 'Slack incident', kind: 'provider_incident', params: { windowSeconds: 300, minIntegrations: 1, minUsers: 1, failurePercent: 50 },
        enabled: true, severity: 'critical', provider: 'slack', cooldownSeconds: 0, escalateAfterSeconds: null, channels: [], escalationChannels: [], notifyOwner: false,
      } });
      expect(rule.status, rule.text).to.equal(202);
      await eventually(async () => (await pulse.api('GET', '/api/integrations/incidents', { token })).body?.incidents?.length > 0, 'the Slack incident', 30_000, 250);
      await page.getByRole('link', { name: 'All integrations' }).click();
      const banner = page.locator('.incident-banner');
      await banner.getByText('Slack is having problems; nothing for you to do.').waitFor();
      await screenshot(page, '31-user-incident-banner');
      sim.setFaults(accounts['Team Slack']!, {});
    });
  });
});
