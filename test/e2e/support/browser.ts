// One headless Chromium (Debian's, driven by playwright-core) for the whole e2e run, pages
// that record uncaught errors and the app's JS coverage (coverage/web-raw/, see
// test/support/browserCoverage.ts), and screenshots into test-results/screenshots/ (git-ignored).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../../platform/config.js';
import { clearRawWebCoverage, flushBrowser, flushCoverage, recordCoverage } from '../../support/browserCoverage.js';

export const screenshotDir = path.join(projectRoot, 'test-results', 'screenshots');

let cleared = false;

/** Empties the screenshot folder once per test run (every e2e file calls it), so it shows this run only. */
export function clearScreenshots(): void {
  if (cleared) return;
  cleared = true;
  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  clearRawWebCoverage();
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  // Pages a test left open still write their coverage.
  const close = browser.close.bind(browser);
  browser.close = async (options) => {
    await flushBrowser(browser).catch(coverageLost);
    await close(options);
  };
  return browser;
}

/** Coverage is a by-product: failing to write it must not fail the test that opened the page. */
function coverageLost(err: unknown): void {
  console.warn(`web coverage of a page was not recorded: ${(err as Error)?.message ?? err}`);
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions in the page: an app that works never has any. */
  errors: string[];
}

export async function openPage(browser: Browser, opts: { width?: number; height?: number; reducedMotion?: boolean; dark?: boolean } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 880 },
    deviceScaleFactor: 1,
    acceptDownloads: true,
    reducedMotion: opts.reducedMotion ? 'reduce' : 'no-preference',
    colorScheme: opts.dark ? 'dark' : 'light',
    locale: 'en-GB',
    timezoneId: 'Europe/Paris',
  });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await recordCoverage(page);
  // Coverage must be taken while the page is open: write it just before either is closed.
  const closeContext = context.close.bind(context);
  context.close = async (options) => {
    await flushCoverage(page).catch(coverageLost);
    await closeContext(options);
  };
  const closePage = page.close.bind(page);
  page.close = async (options) => {
    await flushCoverage(page).catch(coverageLost);
    await closePage(options);
  };
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  return { page, context, errors };
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  // From the top (a sticky header would otherwise be painted mid-page): jump there, wait for the
  // web fonts and two frames (the scroll laid out and painted); `animations: 'disabled'` then
  // finishes transitions and stops animations for the shot.
  await page.evaluate(async () => {
    window.scrollTo({ top: 0, left: 0, behavior: 'instant' });
    await document.fonts.ready;
    await new Promise((frame) => requestAnimationFrame(() => requestAnimationFrame(frame)));
  });
  await page.screenshot({ path: file, fullPage, animations: 'disabled' });
  return file;
}

/** Empty when the page fits its viewport's width; otherwise what sticks out (what makes a phone scroll sideways). */
export async function overflowing(page: Page): Promise<string[]> {
  // After a viewport change, charts resize in their ResizeObserver callbacks, which run before
  // the next frame is painted: measure once two frames have gone by, not in between.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    // Content inside a horizontally scrolling box (a wide table) sticks out by design; name only
    // what widens the page. (No named helper in here: the transpiler would wrap it in a __name()
    // call that does not exist in the page.)
    return [...document.querySelectorAll('body *')]
      .filter((el) => {
        if (el.getBoundingClientRect().right <= width + 1) return false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return false;
        }
        return true;
      })
      .slice(-8)
      .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(el.getBoundingClientRect().right)} px)`);
  });
}

/**
 * A port nobody listens on right now. Racy (another process may take it before it is used):
 * start the API with API_PORT=0 instead and read its URL from `pulse.apiUrl` — it derives
 * PUBLIC_API_URL and WEB_APP_URL from the port it bound (cli/roles.ts, startApi).
 * @deprecated kept until test/e2e/alerting.test.ts moves to API_PORT=0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
