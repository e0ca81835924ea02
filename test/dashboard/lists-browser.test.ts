import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server';
import { freePort } from '../support/free-port';
import { createHarness, type TestHarness } from '../support/test-context';
import { launchBrowser, recordPageProblems, screenshot, signInAsAdmin } from './browser-support';
import { DAY, seedPaymentRequest, seedSubscription, seedTenant, type Seeded } from './dashboard-seed';

/**
 * The payment request, subscription, dispute and customer lists in Chromium (issue 20), in Tokyo time,
 * at 1280 px and 360 px, under the dashboard's CSP: times in the viewer's zone with the exact UTC on
 * hover, a search typed in the form narrows the list and says how many match, and "Clear filters"
 * brings the whole list back.
 */
describe('dashboard lists in a browser', () => {
  let h: TestHarness;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let seeded: Seeded;
  const problems: string[] = [];
  const now = new Date();

  beforeAll(async () => {
    const port = await freePort();
    h = await createHarness('postgres', { PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`, PAYBRIDGE_LOG_LEVEL: 'warn' });
    server = await startServer(h.ctx, { host: '127.0.0.1', port });
    seeded = await seedTenant(h, 'List Shop', now);
    for (let n = 0; n < 3; n += 1) {
      await seedPaymentRequest(h, seeded, n, new Date(now.getTime() - n * DAY), { email: n === 1 ? 'lin@example.com' : undefined });
    }
    await seedSubscription(h, seeded, 0, now, 'active');
    await seedSubscription(h, seeded, 1, new Date(now.getTime() - 2 * DAY), 'canceled');
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    recordPageProblems(page, problems, { failedResponses: true });
    await signInAsAdmin(page, server.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  const lists = [
    { nav: 'Payment requests', path: 'payment-requests', all: '3 payment requests', search: 'lin@example.com', found: '1 payment request' },
    { nav: 'Subscriptions', path: 'subscriptions', all: '2 subscriptions', search: 'sub_list1', found: '1 subscription' },
    { nav: 'Disputes', path: 'disputes', all: '1 dispute', search: 'pi_paid', found: '1 dispute' },
    { nav: 'Customers', path: 'customers', all: '1 customer', search: 'ada@', found: '1 customer' },
  ];

  for (const width of [1280, 360]) {
    for (const list of lists) {
      it(`${list.nav} at ${width} px: local times with UTC on hover, search, count and clear filters`, async () => {
        await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
        await page.goto(`${server.url}/dashboard/tenants/${seeded.tenantId}`);
        await page.getByRole('navigation').getByRole('link', { name: list.nav, exact: true }).click();
        await page.getByRole('heading', { level: 1, name: list.nav }).waitFor();
        expect(await page.locator('[data-result-count]').textContent()).toContain(list.all);

        const first = page.locator('tbody time').first();
        const title = (await first.getAttribute('title'))!;
        expect(title).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
        const text = (await first.textContent())!;
        expect(text).not.toContain('UTC');
        // Tokyo is UTC+9: the hour shown is nine hours after the UTC one.
        expect(text).toContain(`${String((Number(title.slice(11, 13)) + 9) % 24).padStart(2, '0')}:`);
        expect(text).toMatch(/\(.+\)$/);

        await page.getByLabel('Search').fill(list.search);
        await page.getByRole('button', { name: 'Filter' }).click();
        await page.waitForURL(/q=/);
        expect(await page.locator('[data-result-count]').textContent()).toContain(list.found);
        expect(
          await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
        ).toBeLessThanOrEqual(0);
        await screenshot(page, `lists-${list.path}-${width}`);
        await page.getByRole('link', { name: 'Clear filters' }).first().click();
        await page.waitForURL((url) => url.search === '');
        expect(await page.locator('[data-result-count]').textContent()).toContain(list.all);
        expect(problems).toEqual([]);
      });
    }
  }
});
