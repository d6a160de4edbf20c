// The web app's coverage as the e2e tests exercise it: every page the e2e support opens records
// Chromium's precise JS coverage (V8 block counts) from its first script to its close (written
// before each page.goto too, while the document still lives), and writes the entries of the app's own bundle (web/dist/assets/*.js) to
// coverage/web-raw/. `tsx test/reporting/webCoverage.ts` maps them back to web/src through the
// build's source maps. Chromium only (playwright-core's page.coverage).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../platform/config.js';

export const rawWebCoverageDir = path.join(projectRoot, 'coverage', 'web-raw');

/** One script's V8 coverage, as Chromium reports it (Profiler.ScriptCoverage, without its source). */
export interface RawScriptCoverage {
  url: string;
  functions: { functionName: string; isBlockCoverage: boolean; ranges: { startOffset: number; endOffset: number; count: number }[] }[];
}

/** The app's own chunks: what the API serves from web/dist/assets. */
export const isAppBundle = (url: string): boolean => URL.canParse(url) && /^\/assets\/[^/]+\.js$/.test(new URL(url).pathname);

/** Pages recording, each with the chain of its coverage work (snapshots and the final write never interleave). */
const recording = new Map<Page, Promise<void>>();
let cleared = false;
let written = 0;

/** Empties coverage/web-raw once per test process, so it holds this run's pages only. */
export function clearRawWebCoverage(): void {
  if (cleared) return;
  cleared = true;
  rmSync(rawWebCoverageDir, { recursive: true, force: true });
}

/**
 * Starts recording before the page loads anything. A document's scripts die with it (V8 then
 * reports only the functions something still references), so the coverage is also written
 * before each `page.goto` while the current document still lives. Documents left by the app
 * itself (a link, an OAuth redirect) keep only those remnants: coverage taken from inside a
 * held navigation request (page.route) hangs Chromium, so that moment is not available.
 */
export async function recordCoverage(page: Page): Promise<void> {
  await page.coverage.startJSCoverage({ resetOnNavigation: false, reportAnonymousScripts: false });
  recording.set(page, Promise.resolve());
  const goto = page.goto.bind(page);
  page.goto = async (url, options) => {
    // Coverage is a by-product: failing to take it must not fail the navigation.
    if (page.url() !== 'about:blank') await chain(page, () => write(page, true)).catch((err) => console.warn(`web coverage of a page was not recorded: ${err?.message ?? err}`));
    return goto(url, options);
  };
}

/** Stops recording `page` (while it is still open: a closed page has no coverage to give) and writes what it ran of the app. */
export async function flushCoverage(page: Page): Promise<void> {
  if (!recording.has(page)) return;
  await chain(page, () => write(page, false));
  recording.delete(page);
}

/** Writes the coverage of every page of `browser` still recording (called before the browser closes). */
export async function flushBrowser(browser: Browser): Promise<void> {
  const pages = [...recording.keys()].filter((p) => p.context().browser() === browser);
  await Promise.all(pages.map(flushCoverage));
}

function chain(page: Page, work: () => Promise<void>): Promise<void> {
  const next = (recording.get(page) ?? Promise.resolve()).then(work);
  recording.set(page, next.catch(() => undefined));
  return next;
}

async function write(page: Page, andGoOn: boolean): Promise<void> {
  if (!recording.has(page) || page.isClosed()) return;
  const entries = await page.coverage.stopJSCoverage();
  if (andGoOn) await page.coverage.startJSCoverage({ resetOnNavigation: false, reportAnonymousScripts: false });
  else recording.delete(page);
  const app: RawScriptCoverage[] = entries.filter((e) => isAppBundle(e.url)).map(({ url, functions }) => ({ url, functions }));
  if (!app.length) return;
  mkdirSync(rawWebCoverageDir, { recursive: true });
  writeFileSync(path.join(rawWebCoverageDir, `${process.pid}-${++written}.json`), JSON.stringify(app));
}
