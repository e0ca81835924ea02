import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/server';
import { freePort } from '../support/free-port';
import { createHarness, type TestHarness } from '../support/test-context';
import { launchBrowser, screenshot, signInAsAdmin } from './browser-support';
import { seedTenant, type Seeded } from './dashboard-seed';

// axe-core's own bundle, injected into each page as a script (it loads nothing from outside). Read as a
// file, not imported, so knip.json names axe-core as used.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Every GET page of the dashboard (web/routes.ts and the module pages it mounts), as the admin sees
 * it. Add a line when you add a page; `null` marks a page this seed cannot show yet, with the reason.
 */
function dashboardPages(s: Seeded & { endpointId: string; mailId: string; eventId: string }): Record<string, string> {
  const t = `/dashboard/tenants/${s.tenantId}`;
  return {
    tenants: '/dashboard/tenants',
    'admin overview': '/dashboard/overview',
    'tenant overview': `${t}/overview`,
    integrations: t,
    'connect form': `${t}/connections/new`,
    connection: `${t}/connections/${s.connectionId}`,
    'disconnect confirmation': `${t}/connections/${s.connectionId}/disconnect`,
    catalog: `${t}/connections/${s.connectionId}/catalog`,
    events: `${t}/events`,
    'events filtered': `${t}/events?type=payment_intent&status=processed`,
    'event detail': `${t}/events/${s.eventId}`,
    'rejected deliveries': `${t}/events/rejected`,
    invoices: `${t}/invoices`,
    'invoice detail': `${t}/invoices/${s.invoiceId}`,
    mail: `${t}/mail`,
    'mail detail': `${t}/mail/${s.mailId}`,
    customers: `${t}/customers`,
    'customer detail': `${t}/customers/${s.customerId}`,
    'customer credits': `${t}/customers/${s.customerId}/credits`,
    plans: `${t}/plans`,
    'payment requests': `${t}/payment-requests`,
    'payment requests filtered': `${t}/payment-requests?q=nobody%40example.com&status=pending&from=2026-01-01`,
    subscriptions: `${t}/subscriptions`,
    disputes: `${t}/disputes`,
    'disputes filtered': `${t}/disputes?status=needs_response`,
    'customers filtered': `${t}/customers?q=ada%40`,
    'outbound webhooks': `${t}/webhook-endpoints`,
    'outbound webhook endpoint': `${t}/webhook-endpoints/${s.endpointId}`,
    'not found': `${t}/no-such-page`,
  };
}

describe('accessibility of every dashboard page (axe-core)', () => {
  let h: TestHarness;
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pages: Record<string, string> = {};

  beforeAll(async () => {
    const port = await freePort();
    h = await createHarness('postgres', { PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`, PAYBRIDGE_LOG_LEVEL: 'warn' });
    server = await startServer(h.ctx, { host: '127.0.0.1', port });
    const seeded = await seedTenant(h, 'Axe Shop', new Date());
    const db = h.ctx.store.db;
    const eventId = (await db.selectFrom('events').select('id').where('stripe_event_id', '=', seeded.payingEvent).executeTakeFirstOrThrow())
      .id;
    const endpointId = (
      await db.selectFrom('webhook_endpoints').select('id').where('tenant_id', '=', seeded.tenantId).executeTakeFirstOrThrow()
    ).id;
    const { insertMail } = await import('../../src/store/mail-messages');
    const { newId } = await import('../../src/ids');
    const mailId = newId('mail');
    await insertMail(db, {
      id: mailId,
      tenant_id: seeded.tenantId,
      invoice_id: seeded.invoiceId,
      to_address: 'ada@example.com',
      subject: 'Your invoice',
      text_body: 'Pay here.',
      html_body: '<p style="color:#1a1f36">Pay <a href="http://127.0.0.1:9/pay">here</a>.</p>',
    });
    pages = dashboardPages({ ...seeded, eventId, endpointId, mailId });
    browser = await launchBrowser();
    // Only to inject axe: the dashboard's CSP rightly refuses inline scripts (browser.test.ts checks it under the CSP).
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await h?.close();
  });

  const scan = async (name: string): Promise<string[]> => {
    await page.addScriptTag({ content: AXE });
    const violations = await page.evaluate<AxeViolation[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)`);
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => {
        // A widget repeats one fault on every row: five places say where, the count says how often.
        const where = v.nodes.slice(0, 5).map((n) => n.target.join(' '));
        const more = v.nodes.length > 5 ? ` and ${v.nodes.length - 5} more` : '';
        return `${name}: ${v.impact} ${v.id} — ${v.help} at ${where.join(', ')}${more}`;
      });
  };

  it('the scan itself finds a serious violation when one is there (an unlabelled field)', async () => {
    await page.goto(`${server.url}/dashboard/sign-in`);
    await page.evaluate(`document.querySelector('main').append(Object.assign(document.createElement('input'), { id: 'unlabelled' }))`);
    expect((await scan('planted')).join('\n')).toMatch(/planted: critical label .*#unlabelled/);
  });

  it('sign-in page (with and without an error) has no serious or critical violation', async () => {
    await page.goto(`${server.url}/dashboard/sign-in`);
    const found = await scan('sign-in');
    await page.getByLabel('Admin token or API key').fill('pb_admin_wrong_token_000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This is not a valid admin token').waitFor();
    found.push(...(await scan('sign-in with error')));
    expect(found).toEqual([]);
  });

  it('the API reference at /api/docs has no serious or critical violation, at 1280 px and 360 px', async () => {
    const found: string[] = [];
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
      const response = await page.goto(`${server.url}/api/docs`);
      expect(response?.status()).toBe(200);
      await page.locator('.opblock').first().waitFor();
      found.push(...(await scan(`api docs @${width}`)));
      // Opened, an operation shows its parameters, responses and "Try it out": scanned too.
      await page.locator('#operations-Operations-getHealth .opblock-summary').click();
      await page.locator('#operations-Operations-getHealth .responses-wrapper').waitFor();
      found.push(...(await scan(`api docs, an operation open @${width}`)));
      await screenshot(page, `a11y-api-docs-${width}`);
    }
    expect(found).toEqual([]);
  }, 60_000);

  it('every page an admin can open has no serious or critical violation, at 1280 px and 360 px', async () => {
    await signInAsAdmin(page, server.url);
    const found: string[] = [];
    const opened: string[] = [];
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
      for (const [name, path] of Object.entries(pages)) {
        const response = await page.goto(`${server.url}${path}`);
        const status = response?.status() ?? 0;
        expect(status === 200 || (name === 'not found' && status === 404), `${name} (${path}) answered ${status}`).toBe(true);
        found.push(...(await scan(`${name} @${width}`)));
        opened.push(name);
      }
    }
    await screenshot(page, 'a11y-last-page-360');
    expect(opened).toHaveLength(Object.keys(pages).length * 2);
    expect(found).toEqual([]);
  }, 180_000);
});
