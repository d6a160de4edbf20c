// The web app in a real browser against the real stack: Pulse (API serving web/dist, worker,
// projectors) on Kafka and Postgres, providers played by the simulator. A user watches an
// integration fail live, reads the fix, reconnects through the provider's consent page and
// sees it recover; "check now" reports its result; the dashboard survives going offline; an
// admin signs in, reads the provider charts, drills down and exports CSV. Screenshots of the
// main screens land in test-results/screenshots/. The suite has a database and topics of its
// own (it replays a projection, and its admin lists and charts show only what it created), and
// the API on a port the system picks, from which it derives its own URL (cli/roles.ts).
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import type { SimProvider } from '../../simulator/types.js';
import { ensureWebBuilt } from '../../web/scripts/ensureBuilt.js';
import { createTestAdmin } from '../support/adminSession.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { completeOAuth, simulatorAndSettings, type Simulator } from '../support/simulated.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { seedHistory } from './support/history.js';
import { clearScreenshots, launchBrowser, openPage, overflowing, screenshot, type WatchedPage } from './support/browser.js';

describe('web app in a browser (e2e)', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  let sim: Simulator;
  let target: HttpTarget;
  let browser: Browser;
  let url: string;
  let token: string;
  const ids: Record<string, string> = {};
  const accounts: Record<string, string> = {};

  async function connect(name: string, provider: string, config: Record<string, unknown>, intervalSeconds: number, account?: string) {
    const created = await pulse.api('POST', '/api/integrations', { token, body: { provider, displayName: name, config, checkIntervalSeconds: intervalSeconds } });
    expect(created.status, created.text).to.equal(202);
    if (created.body.authorizeUrl) expect(await completeOAuth(pulse, created.body.authorizeUrl, account!)).to.include('connected=1');
    ids[name] = created.body.id;
  }

  const card = (page: Page, name: string) => page.locator(`article[data-integration-id="${ids[name]}"]`);
  const health = (name: string) => pulse.api('GET', `/api/integrations/${ids[name]}/health`, { token });

  before(async function () {
    this.timeout(180_000);
    ensureWebBuilt({ quiet: true });
    const simulated = await simulatorAndSettings();
    sim = simulated.sim;
    target = await startHttpTarget();
    // "Check now" twice in a row must meet the rate limit, however long the first check took.
    env = await ownEnvironment('e2e_webapp', { MANUAL_CHECK_BURST: '1', MANUAL_CHECK_BURST_SECONDS: '3600' });
    // OAuth sends the browser back to WEB_APP_URL: the API serves the app, so both are its URL,
    // which it derives from the free port it binds (API_PORT=0, URLs not set: cli/roles.ts).
    pulse = await startPulse({ overrides: { ...simulated.overrides, ...env.overrides, API_PORT: '0' }, reach: [target.url] });
    url = pulse.apiUrl;
    expect([pulse.rt.config.publicApiUrl, pulse.rt.config.webAppUrl], 'PUBLIC_API_URL and WEB_APP_URL must be unset for this suite').to.deep.equal([url, url]);
    token = pulse.tokenFor('e2e-user');
    for (const provider of ['slack', 'gmail'] as SimProvider[]) accounts[provider] = sim.createAccount({ provider }).account;
    target.set('payments', { delayMs: 2_300 });
    await connect('Team Slack', 'slack', {}, 1, accounts.slack);
    await connect('Work Gmail', 'gmail', {}, 2, accounts.gmail);
    await connect('Status page', 'http', { url: `${target.url}/status-page` }, 3600);
    await connect('Payments API', 'http', { url: `${target.url}/payments` }, 5);
    accounts.mcp = sim.createAccount({ provider: 'mcp' }).account;
    await connect('Docs MCP', 'mcp', { url: `${sim.url}/mcp/${accounts.mcp}` }, 2);
    browser = await launchBrowser();
    clearScreenshots();
    // The first checks wait for the worker to join its group.
    await eventually(async () => {
      const all = await Promise.all(Object.keys(ids).map(health));
      return all.every((h) => h.body?.checkCount >= 1);
    }, 'the first check of every integration', 60_000, 250);
    // A week of past checks (older than every live one, so current states stay live).
    await seedHistory(pulse.rt, [
      { integrationId: ids['Team Slack']!, userId: 'e2e-user', provider: 'slack', latencyMs: 140, steps: ['auth_test', 'team_info'], incidents: [[20, 19.2, 'server_error'], [101, 99, 'token_expired']], flakiness: 0.004 },
      { integrationId: ids['Work Gmail']!, userId: 'e2e-user', provider: 'gmail', latencyMs: 210, steps: ['token', 'messages_list', 'quota'], flakiness: 0.01 },
      { integrationId: ids['Status page']!, userId: 'e2e-user', provider: 'http', latencyMs: 70, steps: ['request', 'status'], incidents: [[74, 72, 'server_error']] },
      { integrationId: ids['Payments API']!, userId: 'e2e-user', provider: 'http', latencyMs: 1700, steps: ['request', 'status'], incidents: [[6, 5.5, 'timeout']] },
      { integrationId: ids['Docs MCP']!, userId: 'e2e-user', provider: 'mcp', latencyMs: 320, steps: ['token', 'list_tools'], flakiness: 0.02 },
    ]);
  });

  after(async () => {
    await browser?.close();
    await pulse?.stop();
    await target?.close();
    await sim?.close();
    await env?.drop();
  });

  describe('user dashboard', () => {
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

    it('without a token, explains how to get one', async () => {
      await page.goto(`${url}/`);
      await page.getByRole('heading', { name: 'Open Pulse from your product' }).waitFor();
      await page.getByText('Running Pulse yourself?').click();
      await page.getByText('npm run pulse -- token <userId>').waitFor();
      await screenshot(page, '00-sign-in-help');
    });

    it('takes the token from the fragment, hides it and shows every integration live', async () => {
      await page.goto(`${url}/#token=${token}`);
      await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
      expect(page.url()).to.not.include('token');
      expect(await page.evaluate(() => sessionStorage.getItem('pulse.userToken'))).to.equal(token);
      await page.locator('.connection[data-state="live"]').waitFor();
      for (const name of Object.keys(ids)) await card(page, name).waitFor();
      await card(page, 'Payments API').and(page.locator('[data-status="yellow"]')).waitFor({ timeout: 30_000 });
      // Colour is never alone: each card says its state in words next to an icon.
      expect(await card(page, 'Team Slack').locator('.health').innerText()).to.equal('Healthy');
      const when = card(page, 'Team Slack').locator('time');
      expect(await when.getAttribute('title')).to.match(/\d{4}/);
      await screenshot(page, '01-dashboard');
    });

    it('turns red live when the provider revokes access, explains the fix and raises a toast', async () => {
      await page.evaluate(() => ((window as any).__sameDocument = true));
      sim.setFaults(accounts.slack!, { unauthorized: 'revoked' });
      const slack = card(page, 'Team Slack');
      await slack.and(page.locator('[data-status="red"]')).waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => (window as any).__sameDocument), 'updated without a reload').to.equal(true);
      expect(await slack.locator('.health').innerText()).to.equal('Failing');
      const advice = slack.locator('.advice');
      expect(await advice.locator('.advice__message').innerText()).to.match(/Slack/);
      expect(await advice.getByRole('heading', { name: 'How to fix it' }).count()).to.equal(1);
      expect(await advice.locator('.advice__steps li').count()).to.be.greaterThan(0);
      expect(await advice.getByRole('link', { name: /Troubleshooting guide/ }).getAttribute('href')).to.match(/\/docs\/troubleshooting\.md#/);
      await page.locator('.toast--error', { hasText: 'Team Slack is failing' }).waitFor();
      await screenshot(page, '02-dashboard-failing');
    });

    it('reconnects in one click through the consent page and comes back green', async () => {
      const slack = card(page, 'Team Slack');
      const consent = page.waitForRequest((r) => r.url().startsWith(`${sim.url}/slack/oauth/v2/authorize`));
      await slack.getByRole('button', { name: 'Reconnect' }).click();
      await consent;
      // Back from the provider through the API's callback: the app names the integration, then
      // returns to the page the reconnect started from.
      await page.locator('.toast--success', { hasText: 'Team Slack is reconnected' }).waitFor({ timeout: 30_000 });
      await page.waitForURL(`${url}/`);
      await card(page, 'Team Slack').and(page.locator('[data-status="green"]')).waitFor({ timeout: 30_000 });
      expect(await card(page, 'Team Slack').getByRole('button', { name: 'Reconnect' }).count()).to.equal(0);
      await screenshot(page, '03-dashboard-reconnected');
    });

    it('"check now" shows the result of the check, then counts down while rate-limited', async () => {
      target.set('status-page', { status: 500, body: 'down' });
      const status = card(page, 'Status page');
      await status.getByRole('button', { name: 'Check now' }).click();
      const result = status.locator('.check-result[data-phase="done"]');
      await result.waitFor({ timeout: 30_000 });
      expect(await result.innerText()).to.match(/Check finished: (Degraded|Failing)/);
      expect(await status.getAttribute('data-status')).to.be.oneOf(['yellow', 'red']);
      await status.getByRole('button', { name: 'Check now' }).click();
      const waiting = status.getByRole('button', { name: /Check again in \d+ s/ });
      await waiting.waitFor();
      expect(await waiting.isDisabled()).to.equal(true);
      expect(await status.locator('.check-result').innerText()).to.match(/check again in \d+ seconds/);
      await screenshot(page, '04-check-now');
      target.set('status-page', { status: 200, body: 'OK' });
    });

    it('keeps the last known state offline and catches up when back', async () => {
      await w.context.setOffline(true);
      await page.locator('.offline-banner').waitFor();
      expect(await page.locator('.connection').getAttribute('data-state')).to.equal('offline');
      sim.setFaults(accounts.gmail!, { unauthorized: 'revoked' });
      await eventually(async () => (await health('Work Gmail')).body.status === 'red', 'Gmail red on the server', 30_000, 200);
      expect(await card(page, 'Work Gmail').getAttribute('data-status'), 'offline: last known state').to.equal('green');
      await screenshot(page, '05-offline');
      await w.context.setOffline(false);
      await card(page, 'Work Gmail').and(page.locator('[data-status="red"]')).waitFor({ timeout: 20_000 });
      await page.locator('.connection[data-state="live"]').waitFor();
      expect(await page.locator('.offline-banner').count()).to.equal(0);
    });

    it('shows an integration in depth: charts, recent checks with steps, filters and CSV', async () => {
      // The status page: checked hourly, so its newest checks (the page loads 25) are the ones
      // this suite made — among them the failed "check now" — however long the run took.
      await card(page, 'Status page').getByRole('link', { name: /Details/ }).click();
      await page.getByRole('heading', { name: 'Status page', level: 1 }).waitFor();
      await page.locator('.chart canvas').first().waitFor();
      expect(await page.locator('.chart canvas').count()).to.be.greaterThanOrEqual(2);
      const rows = page.locator('.checks-table tbody tr');
      await rows.first().waitFor();
      const all = await rows.count();
      await page.getByLabel('Result').selectOption('failed');
      await eventually(async () => (await rows.count()) < all, 'the filter to hide successful checks', 15_000);
      expect(await page.locator('.checks-table .outcome--ok').count()).to.equal(0);
      await page.locator('.checks-table details summary').first().click();
      expect(await page.locator('.checks-table details .step').count()).to.be.greaterThan(0);

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export CSV' }).click();
      const csv = readFileSync((await (await download).path())!, 'utf8');
      expect(csv.split('\r\n')[0]).to.equal('checkedAt,outcome,trigger,attempt,durationMs,httpStatus,errorCode,steps');
      expect(csv).to.include(',failed,');

      await page.getByRole('radio', { name: 'Last 7 days' }).check();
      await page.locator('.chart canvas').first().waitFor();
      await page.getByRole('radio', { name: 'Last hour' }).check();
      await page.getByLabel('Result').selectOption('all');
      await page.locator('.chart canvas').first().waitFor();
      await screenshot(page, '06-integration-detail');
    });

    it('fits a phone (360 px) without sideways scrolling', async () => {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.goto(`${url}/`);
      await card(page, 'Team Slack').waitFor();
      expect(await overflowing(page)).to.deep.equal([]);
      await screenshot(page, '07-dashboard-phone');
      await page.goto(`${url}/integrations/${ids['Team Slack']}`);
      await page.locator('.chart canvas').first().waitFor();
      expect(await overflowing(page)).to.deep.equal([]);
      await screenshot(page, '08-integration-phone');
    });

    it('follows the system dark mode, keyboard only', async () => {
      const dark = await openPage(browser, { dark: true, reducedMotion: true });
      try {
        await dark.page.goto(`${url}/#token=${token}`);
        await card(dark.page, 'Work Gmail').waitFor();
        // Keyboard: skip link first, then into the content; Enter on a name opens its page.
        await dark.page.keyboard.press('Tab');
        expect(await dark.page.evaluate(() => document.activeElement?.textContent)).to.equal('Skip to content');
        await screenshot(dark.page, '09-dashboard-dark');
        await card(dark.page, 'Work Gmail').getByRole('link', { name: 'Work Gmail', exact: true }).focus();
        await dark.page.keyboard.press('Enter');
        await dark.page.getByRole('heading', { name: 'Work Gmail', level: 1 }).waitFor();
        await dark.page.locator('.chart canvas').first().waitFor();
        await screenshot(dark.page, '09-integration-dark');
        expect(dark.errors).to.deep.equal([]);
      } finally {
        await dark.context.close();
      }
    });
  });

  describe('admin portal', () => {
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

    it('asks an admin to sign in, then shows system health with provider charts', async () => {
      const admin = await createTestAdmin(pulse);
      await page.goto(`${url}/admin`);
      await page.waitForURL(/\/admin\/login\?next=/);
      await screenshot(page, '10-admin-login');
      await page.getByLabel('Email').fill(admin.email);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Wrong email or password.').waitFor();
      await page.getByLabel('Password').fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'System health', level: 1 }).waitFor();
      await page.locator('.chart canvas').nth(1).waitFor();
      const providers = page.getByRole('region', { name: 'Providers' });
      for (const p of ['Slack', 'Gmail', 'HTTP service']) await providers.getByRole('link', { name: p }).waitFor();
      await page.locator('.admin__live .connection[data-state="live"]').waitFor();
      await screenshot(page, '11-admin-overview');
    });

    it('updates the integration list live', async () => {
      // The filter by user (the suite's own database holds only this user's integrations).
      await page.getByLabel('User').fill('e2e-user');
      const row = page.getByRole('region', { name: 'Integrations' }).getByRole('row', { name: /Docs MCP/ });
      expect(await row.locator('.health').innerText()).to.equal('Healthy');
      sim.setFaults(accounts.mcp!, { unauthorized: 'revoked' });
      await row.locator('.health', { hasText: 'Failing' }).waitFor({ timeout: 30_000 });
    });

    it('exports the integration list as CSV', async () => {
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Export CSV' }).click();
      const csv = readFileSync((await (await download).path())!, 'utf8');
      expect(csv.split('\n')[0]).to.equal('integrationId,userId,provider,displayName,status,lastCheckedAt,lastSuccessAt,consecutiveFailures,latencyMs,errorCode');
      expect(csv).to.include('Team Slack').and.include('e2e-user');
    });

    it('drills down from a provider to its integrations to one integration', async () => {
      await page.getByRole('region', { name: 'Providers' }).getByRole('link', { name: 'MCP server' }).click();
      await page.getByRole('heading', { name: 'MCP server', level: 1 }).waitFor();
      await page.locator('.chart canvas').first().waitFor();
      await screenshot(page, '12-admin-provider');
      await page.getByLabel('User').fill('e2e-user');
      await page.getByRole('link', { name: /Docs MCP/ }).click();
      await page.getByRole('heading', { name: 'Docs MCP', level: 1 }).waitFor();
      await page.getByText('e2e-user').first().waitFor();
      // Still failing from the previous test: the admin sees the fix and the technical detail.
      await page.locator('.advice').waitFor();
      await page.getByRole('heading', { name: 'Technical detail' }).waitFor();
      await screenshot(page, '13-admin-integration');
      sim.setFaults(accounts.mcp!, {});
    });

    it('shows the audit log with the sign-ins and the export', async () => {
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
      await page.getByRole('cell', { name: 'export' }).first().waitFor();
      await page.getByRole('cell', { name: 'admin.login' }).first().waitFor();
      await screenshot(page, '14-admin-audit');
    });

    it('replays a projection and shows its progress to the end', async () => {
      await page.getByRole('link', { name: 'Replays & dead letters' }).click();
      await page.getByLabel('Projection').selectOption('admin_audit');
      await page.getByRole('button', { name: 'Replay…' }).click();
      await page.getByRole('button', { name: 'Start replay' }).click();
      await page.locator('.replay--done', { hasText: 'admin_audit' }).waitFor({ timeout: 60_000 });
      await page.getByRole('region', { name: 'Dead-letter queues' }).waitFor();
      await screenshot(page, '15-admin-operations');
    });

    it('manages admin accounts: adds one, disables it, deletes it, all in the audit log', async () => {
      const email = `e2e-admin-${Date.now().toString(36)}@example.test`;
      await page.getByRole('link', { name: 'Admin accounts' }).click();
      await page.getByRole('heading', { name: 'Admin accounts', level: 1 }).waitFor();
      const table = page.getByRole('region', { name: 'Admin accounts' });
      await table.getByRole('row').filter({ hasText: 'you' }).getByText('Manages admins').waitFor();
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Initial password').fill(`pw-${Date.now()}-long-enough`);
      await page.getByRole('button', { name: 'Add admin' }).click();
      const row = table.getByRole('row').filter({ hasText: email });
      await row.getByText('active').waitFor();
      await page.getByLabel('Email').fill(email); // the same again: the server's 409, next to the form
      await page.getByLabel('Initial password').fill(`pw-${Date.now()}-long-enough`);
      await page.getByRole('button', { name: 'Add admin' }).click();
      await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
      await row.getByRole('button', { name: 'Disable' }).click();
      await row.getByRole('button', { name: 'Disable admin' }).click();
      await row.getByText('disabled').waitFor();
      await screenshot(page, '15b-admin-accounts');
      await row.getByRole('button', { name: 'Delete' }).click();
      await row.getByRole('button', { name: 'Delete for good' }).click();
      await row.waitFor({ state: 'detached' });
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('cell', { name: 'admin.delete' }).first().waitFor();
    });

    it('works on a phone with the menu in a drawer', async () => {
      await page.setViewportSize({ width: 360, height: 780 });
      await page.getByRole('button', { name: 'Open menu' }).click();
      await page.getByRole('link', { name: 'System health' }).click();
      await page.getByRole('heading', { name: 'System health', level: 1 }).waitFor();
      await page.locator('.chart canvas').first().waitFor();
      expect(await overflowing(page)).to.deep.equal([]);
      await screenshot(page, '16-admin-phone');
    });
  });
});
