import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server';
import { insertEvents } from '../../src/store/events';
import { freePort } from '../support/free-port';
import { createHarness, type TestHarness } from '../support/test-context';
import { launchBrowser, recordPageProblems, screenshot, signInAsAdmin } from './browser-support';
import { seedTenant, type Seeded } from './dashboard-seed';

// The overview pages and the lists in Chromium, in Tokyo time, at 1280 px and 360 px, under the dashboard's CSP.
describe('dashboard overviews and lists in a browser', () => {
  let h: TestHarness;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seeded: Seeded;
  const problems: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    h = await createHarness('postgres', { PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`, PAYBRIDGE_LOG_LEVEL: 'warn' });
    server = await startServer(h.ctx, { host: '127.0.0.1', port });
    seeded = await seedTenant(h, 'Chart Shop', new Date());
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'Asia/Tokyo', locale: 'en-GB' });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    recordPageProblems(page, problems, { failedResponses: true });
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) problems.push(`outside request ${request.url()}`);
    });
    await signInAsAdmin(page, server.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  const noOverflow = async (p: Page) => p.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  it('admin overview: the tenant with dead events and rejected deliveries is listed and links to its overview', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const row = page.locator('tbody tr', { hasText: 'Chart Shop' });
    expect(await row.locator('td[data-label="Dead events"]').textContent()).toContain('1');
    expect(await row.locator('td[data-label="Rejected deliveries"]').textContent()).toContain('7');
    await screenshot(page, 'overview-01-admin-1280');
    await row.getByRole('link', { name: 'Chart Shop' }).click();
    await page.getByRole('heading', { level: 2, name: 'Webhook events' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/dashboard/tenants/${seeded.tenantId}/overview`);
  });

  it('tenant overview draws both charts with accessible names and readable labels at 1280 px and 360 px', async () => {
    const charts = page.getByRole('img', { name: /Last (24 hours|30 days)/ });
    expect(await charts.count()).toBe(2);
    expect(await page.getByRole('img', { name: /Last 24 hours, by hour \(UTC\) 5 events received/ }).count()).toBe(1);
    // The bar for this hour is there, with its numbers as a tooltip.
    expect(
      await page.locator('figure.chart svg g > title', { hasText: /: 2 processed, 1 failed or dead, 0 waiting or paused$/ }).count(),
    ).toBe(1);
    expect(await page.getByText('EUR 1234.56').count()).toBe(1);
    await screenshot(page, 'overview-02-tenant-1280');
    const width1280 = (await charts.first().boundingBox())!.width;
    expect(width1280).toBeGreaterThan(400);

    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    expect(await noOverflow(page)).toBeLessThanOrEqual(0);
    const box = (await charts.first().boundingBox())!;
    expect(box.width).toBeGreaterThan(280);
    expect(box.width).toBeLessThanOrEqual(360);
    // Axis labels stay at least 8 px tall on a phone (11 units in a 400-unit-wide viewBox).
    const labelHeight = (await page.locator('figure.chart svg text').first().boundingBox())!.height;
    expect(labelHeight).toBeGreaterThanOrEqual(8);
    await screenshot(page, 'overview-03-tenant-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('event log shows times in the viewer zone with relative time and the exact UTC on hover, and filters by type prefix', async () => {
    await page.goto(`${server.url}/dashboard/tenants/${seeded.tenantId}/events`);
    const first = page.locator('tbody time').first();
    const title = (await first.getAttribute('title'))!;
    expect(title).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const text = (await first.textContent())!;
    expect(text).not.toContain('UTC');
    expect(text).toMatch(/\((now|\d+ seconds? ago|\d+ minutes? ago)\)$/);
    // Tokyo is UTC+9: the hour shown is nine hours after the UTC one.
    const utcHour = Number(title.slice(11, 13));
    expect(text).toContain(`${String((utcHour + 9) % 24).padStart(2, '0')}:`);
    await screenshot(page, 'overview-04-events-1280');

    await page.getByLabel('Type starts with').fill('payment_intent');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/type=payment_intent/);
    expect(await page.locator('table.events tbody tr').count()).toBe(3);
    expect(await page.locator('[data-result-count]').textContent()).toContain('3 events');
    await page.getByRole('link', { name: 'Clear filters' }).first().click();
    await page.waitForURL((url) => url.search === '');
    expect(await page.locator('table.events tbody tr').count()).toBe(9);
  });

  it('the event log refreshes by itself when an event arrives, without reloading the page', async () => {
    await page.goto(`${server.url}/dashboard/tenants/${seeded.tenantId}/events`);
    let navigations = 0;
    const count = () => navigations++;
    page.on('framenavigated', count);
    await insertEvents(h.ctx.store.db, [
      {
        connection_id: seeded.connectionId,
        tenant_id: seeded.tenantId,
        stripe_event_id: 'evt_live_arrival',
        type: 'invoice.paid',
        livemode: false,
        api_version: null,
        stripe_created: 1,
        object_id: 'in_live',
        object_type: 'invoice',
        payload: '{}',
        source: 'webhook',
        status: 'received',
        received_at: new Date(),
        next_attempt_at: new Date(),
      },
    ]);
    await page.locator('table.events tbody tr', { hasText: 'evt_live_arrival' }).waitFor({ timeout: 15_000 });
    page.off('framenavigated', count);
    expect(navigations).toBe(0);
    expect(await page.locator('[data-result-count]').textContent()).toContain('10 events');
    expect(await page.locator('tbody time').first().textContent()).not.toContain('UTC');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await noOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'overview-05-events-live-360');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 30_000);

  it('invoice list searches by the customer email and clears the filter, at 1280 px and 360 px', async () => {
    await page.goto(`${server.url}/dashboard/tenants/${seeded.tenantId}/invoices`);
    await page.getByLabel('Search').fill('ada@example.com');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/q=ada%40example.com/);
    expect(await page.locator('[data-result-count]').textContent()).toContain('1 invoice');
    await page.getByRole('link', { name: 'INV-1001' }).waitFor();
    await screenshot(page, 'overview-06-invoices-search-1280');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await noOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'overview-07-invoices-search-360');
    await page.getByRole('link', { name: 'Clear filters' }).first().click();
    await page.waitForURL((url) => url.search === '');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('loaded nothing from outside and hit no script or CSP error', () => {
    expect(problems).toEqual([]);
  });
});
