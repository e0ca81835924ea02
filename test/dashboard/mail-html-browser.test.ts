import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newId } from '../../src/ids';
import { startServer, type RunningServer } from '../../src/server';
import { insertMail } from '../../src/store/mail-messages';
import { freePort } from '../support/free-port';
import { createHarness, type TestHarness } from '../support/test-context';
import { launchBrowser, screenshot, signInAsAdmin } from './browser-support';
import { seedTenant } from './dashboard-seed';

/**
 * A stored mail's HTML part on the mail page (issue 20): shown in a sandboxed frame under a policy of
 * its own, its styles applied, its script never run and its remote image never fetched, with the text
 * part below; a mail with a text part only shows just that.
 */
describe('mail page: the HTML part in a sandboxed frame, the text part below', () => {
  let h: TestHarness;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let base = '';
  let htmlMail = '';
  let textMail = '';
  /** Requests that left the browser (one the policy blocks fails with the reason "csp"). */
  const requested: string[] = [];
  const blocked: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    h = await createHarness('postgres', { PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`, PAYBRIDGE_LOG_LEVEL: 'warn' });
    server = await startServer(h.ctx, { host: '127.0.0.1', port });
    const seeded = await seedTenant(h, 'Mail Shop', new Date());
    base = `/dashboard/tenants/${seeded.tenantId}/mail`;
    htmlMail = newId('mail');
    textMail = newId('mail');
    await insertMail(h.ctx.store.db, {
      id: htmlMail,
      tenant_id: seeded.tenantId,
      invoice_id: seeded.invoiceId,
      to_address: 'ada@example.com',
      subject: 'Invoice INV-1001',
      text_body: 'Hello Ada,\nPay here: http://127.0.0.1:9/pay',
      html_body: [
        '<html><body style="background:#f6f9fc">',
        '<h1 id="greeting" style="color:rgb(99, 91, 255)">Hello Ada</h1>',
        '<img src="http://127.0.0.1:9/pixel.png" alt="">',
        "<script>document.body.dataset.ran = 'yes'; parent.document.title = 'taken over';</script>",
        '</body></html>',
      ].join(''),
    });
    await insertMail(h.ctx.store.db, {
      id: textMail,
      tenant_id: seeded.tenantId,
      invoice_id: seeded.invoiceId,
      to_address: 'ada@example.com',
      subject: 'Plain reminder',
      text_body: 'Only text here.',
    });
    browser = await launchBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    page.on('requestfinished', (request) => requested.push(request.url()));
    page.on('requestfailed', (request) => blocked.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
    await signInAsAdmin(page, server.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  it('serves the HTML part under its own policy: inline styles only, sandboxed, framed only by this server', async () => {
    const response = await page.request.get(`${server.url}${base}/${htmlMail}/html`);
    expect(response.status()).toBe(200);
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toMatch(/(^|;\s*)sandbox(;|$)/);
    expect(csp).not.toContain('script-src');
    expect(response.headers()['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers()['cache-control']).toBe('no-store');
    expect(await response.text()).toContain('Hello Ada');
    expect((await page.request.get(`${server.url}${base}/${textMail}/html`)).status()).toBe(404);
  });

  for (const width of [1280, 360]) {
    it(`shows the HTML part styled, without running its script or fetching its image, and the text part, at ${width} px`, async () => {
      await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
      requested.length = 0;
      blocked.length = 0;
      await page.goto(`${server.url}${base}/${htmlMail}`);
      const frameElement = page.locator('iframe.mail-html');
      expect(await frameElement.getAttribute('sandbox')).toBe('');
      const greeting = page.frameLocator('iframe.mail-html').locator('#greeting');
      await greeting.waitFor();
      expect(await greeting.textContent()).toBe('Hello Ada');
      expect(
        await greeting.evaluate(
          (el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color,
        ),
      ).toBe('rgb(99, 91, 255)');
      expect(await page.frameLocator('iframe.mail-html').locator('body').getAttribute('data-ran')).toBeNull();
      expect(await page.title()).toBe('Invoice INV-1001 · Mail · Paybridge');
      expect(requested.filter((url) => url.includes('127.0.0.1:9'))).toEqual([]);
      expect(blocked).toEqual(['http://127.0.0.1:9/pixel.png csp']);
      await page.getByRole('heading', { name: 'Text part' }).waitFor();
      expect(await page.locator('pre.mail-body').textContent()).toContain('Pay here: http://127.0.0.1:9/pay');
      const box = await frameElement.boundingBox();
      expect(box!.width).toBeLessThanOrEqual(width);
      await screenshot(page, `mail-html-${width}`);
    });
  }

  it('a mail with a text part only shows that part, with no frame', async () => {
    await page.goto(`${server.url}${base}/${textMail}`);
    await page.getByRole('heading', { name: 'Message' }).waitFor();
    expect(await page.locator('iframe').count()).toBe(0);
    expect(await page.locator('pre.mail-body').textContent()).toBe('Only text here.');
  });
});
