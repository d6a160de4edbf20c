// The admin portal from a test's point of view: signing in through the login page (the CSRF
// token lives in the page's memory, so a reload signs out: move around with the sidebar), and
// its navigation.
import type { Page } from 'playwright-core';
import type { AdminCredentials } from '../../support/adminSession.js';

/** Opens `path` (under /admin), passes the login it redirects to, and waits for the page. */
export async function signInToPortal(page: Page, url: string, admin: AdminCredentials, path: string): Promise<void> {
  await page.goto(`${url}/admin${path}`);
  await page.waitForURL(/\/admin\/login\?next=/);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === `/admin${path}`);
}

/** Follows a sidebar link (opening the drawer first on a phone). */
export async function openFromNav(page: Page, label: string): Promise<void> {
  const menu = page.getByRole('button', { name: 'Open menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: label, exact: true }).click();
}
