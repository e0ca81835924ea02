import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_TOKEN } from '../support/test-context';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'screenshots');

/** One headless Chromium per test file; no network beyond what the page asks for (and it asks only 127.0.0.1). */
export async function launchBrowser(): Promise<Browser> {
  // Fail with the fix rather than skip: a browser test that does not run must not count as passing.
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; install Debian's Chromium with: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    timeout: 30_000,
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Reloads until `predicate` holds on the page (the worker runs in the background), within `timeoutMs`. */
export async function reloadUntil(page: Page, predicate: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) {
      const text =
        (await page
          .locator('main')
          .textContent()
          .catch(() => '')) ?? '';
      throw new Error(
        `condition not met on ${page.url()} within ${timeoutMs} ms; the page says: ${text.replace(/\s+/g, ' ').slice(0, 1500)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    await page.reload();
  }
}

/** Signs the page in with the admin token through the sign-in form, as a person would. */
export async function signInAsAdmin(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/dashboard/sign-in`);
  await page.getByLabel('Admin token or API key').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
}

/**
 * Collects what should never happen on a dashboard page into `problems`: console errors (other than
 * the resource failures the responses already report), uncaught page errors and, with
 * `failedResponses`, any answer of 400 or more (Chromium's own /favicon.ico request excepted).
 */
export function recordPageProblems(page: Page, problems: string[], options: { failedResponses?: boolean } = {}): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  if (!options.failedResponses) return;
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
  });
}
