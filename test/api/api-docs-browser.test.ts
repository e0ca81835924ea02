import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server';
import { launchBrowser, screenshot } from '../dashboard/browser-support';
import { freePort } from '../support/free-port';
import { createHarness, type TestHarness } from '../support/test-context';

/**
 * /api/docs in Chromium against a real server (issue 20): the reference renders every operation from
 * /api/openapi.json under the page's own Content-Security-Policy, asks nothing of any other host, logs
 * no violation, and can call the API; the dashboard's stricter policy is unchanged.
 */
describe('API reference at /api/docs', () => {
  let h: TestHarness;
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    h = await createHarness('postgres', { PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`, PAYBRIDGE_LOG_LEVEL: 'warn' });
    server = await startServer(h.ctx, { host: '127.0.0.1', port });
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  /** Opens the reference at `width`, recording requests to other hosts and console errors (CSP violations among them). */
  async function openDocs(width: number): Promise<{ page: Page; foreign: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    const response = await page.goto(`${server.url}/api/docs`);
    expect(response?.status()).toBe(200);
    await page.locator('.opblock').first().waitFor();
    return { page, foreign, errors };
  }

  it('renders every operation, grouped by module, with nothing loaded from elsewhere', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
    const operationCount = Object.values(doc.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
    const { page, foreign, errors } = await openDocs(1280);
    expect(await page.locator('.opblock').count()).toBe(operationCount);
    const tags = await page.locator('.opblock-tag').allTextContents();
    for (const tag of ['Tenants', 'Connections', 'Invoices', 'Customers', 'Plans', 'Operations']) {
      expect(tags.some((text) => text.startsWith(tag))).toBe(true);
    }
    await expect(page.title()).resolves.toBe('Paybridge API reference');
    await screenshot(page, 'api-docs-1280');
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('reads at 360 px and calls the API from "Try it out"', async () => {
    const { page, foreign, errors } = await openDocs(360);
    const probe = page.locator('#operations-Operations-getHealth');
    await probe.locator('.opblock-summary').click();
    await probe.getByRole('button', { name: 'Try it out' }).click();
    await probe.getByRole('button', { name: 'Execute' }).click();
    await expect(probe.locator('.live-responses-table tbody .response-col_status').first().textContent()).resolves.toContain('200');
    // Nothing wider than the viewport but Swagger UI's own scrolling code blocks.
    const pageWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    expect(pageWidth).toBeLessThanOrEqual(360);
    await screenshot(page, 'api-docs-360');
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("sends the page's own policy and leaves the dashboard's as strict as before", async () => {
    const docs = await fetch(`${server.url}/api/docs`);
    const policy = docs.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).not.toContain('unsafe');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    const dashboard = await fetch(`${server.url}/dashboard/sign-in`);
    // frame-src 'self': the mail page frames a mail's HTML part, served by this server under its own policy.
    expect(dashboard.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    const bundle = await fetch(`${server.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${server.url}/api/docs/assets/nope.js`)).status).toBe(404);
  });
});
