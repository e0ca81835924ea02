import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { launchBrowser, reloadUntil, screenshot } from '../dashboard/browser-support';

/**
 * `npx paybridge demo` as a new user runs it: a child process (in its own process group, so the test
 * stops exactly what it started) that prints a sign-in link and a pay link; the invoice is paid through
 * the sandbox's hosted page in Chromium and turns paid on the dashboard.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PAYBRIDGE_')) env[name] = value;
  return env;
}

/** Resolves once every process of the group has let go of the output pipes, i.e. the demo has ended. */
function closed(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not stop within ${timeoutMs} ms`)), timeoutMs);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('paybridge demo', () => {
  let child: ChildProcess | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    // Only if the test failed before stopping it: its own group, by id.
    if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  });

  it('prints a sign-in link and a pay link; paying shows the invoice paid on the dashboard; Ctrl-C stops it cleanly', async () => {
    child = spawn('npx', ['--no-install', 'paybridge', 'demo'], {
      cwd: root,
      env: baseEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const deadline = Date.now() + 90_000;
    while (!/Pay link:/.test(output)) {
      if (child.exitCode !== null) throw new Error(`the demo exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the demo printed no pay link within 90 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(output)?.[1] ?? '';
    const signInLink = field('Sign-in link');
    const payLink = field('Pay link');
    const invoiceUrl = field('Invoice');
    const dataDir = field('Data directory');
    expect(signInLink, output).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dashboard\/sign-in#token=pb_key_/);
    expect(payLink, output).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\//);
    expect(invoiceUrl, output).toMatch(/\/dashboard\/tenants\/ten_\w+\/invoices\/inv_\w+$/);
    expect(existsSync(dataDir), output).toBe(true);

    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);

    // The sign-in link alone signs in (the token rides in the fragment) and lands on the tenant.
    await page.goto(signInLink);
    await page.waitForURL(/\/dashboard\/tenants\/ten_\w+$/);
    expect(page.url()).not.toContain('token');
    await page.goto(invoiceUrl);
    expect(await page.locator('main .badges').first().textContent()).toContain('open');
    await screenshot(page, 'demo-01-invoice-open');

    await page.goto(payLink);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByText('Thanks for your payment').waitFor();

    await page.goto(invoiceUrl);
    await reloadUntil(page, async () => (await page.locator('main .badges').first().textContent())!.includes('paid'), 30_000);
    expect(await page.locator('section', { hasText: 'Payments' }).locator('tbody tr').first().textContent()).toContain('USD 30.00');
    await screenshot(page, 'demo-02-invoice-paid');

    // Ctrl-C reaches the whole group, as in a terminal (npx passes on; the demo stops what it started).
    const stopped = closed(child, 30_000);
    process.kill(-child.pid!, 'SIGINT');
    await stopped;
    expect(output).toMatch(/stopping the demo…\s+demo stopped/);
    expect(existsSync(dataDir), 'the temporary data directory is removed').toBe(false);
  }, 180_000);
});
