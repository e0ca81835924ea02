import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index';
import { startServer, type RunningServer } from '../../src/server';
import { startWorkers, type RunningWorkers } from '../../src/workers';
import { connectAuto, startSmtp, type RunningSmtp } from '../invoices/support';
import { freePort } from '../support/free-port';
import { createHarness, type TestHarness } from '../support/test-context';
import { launchBrowser, recordPageProblems, screenshot, signInAsAdmin } from './browser-support';

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Issue 20's actions in a real browser: the invoice form, confirmations, tenant settings, the HTML
// mail and receipt over real SMTP, and the sandbox's pay page; each page at 1280 px and 360 px.
describe('dashboard actions in a browser', () => {
  let sandbox: RunningSandbox;
  let smtp: RunningSmtp;
  let h: TestHarness;
  let server: RunningServer;
  let workers: RunningWorkers;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tenantId = '';
  let connectionId = '';
  let invoiceId = '';
  const consoleErrors: string[] = [];
  const customerName = 'Ada <Lovelace> & Co';

  /** The same page 360 px wide (same session): nothing wider than the screen, and a screenshot. */
  async function narrow(url: string, name: string): Promise<void> {
    const small = await context.newPage();
    try {
      await small.setViewportSize({ width: 360, height: 740 });
      await small.goto(url);
      const overflow = await small.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, url).toBeLessThanOrEqual(0);
      await screenshot(small, name);
    } finally {
      await small.close();
    }
  }

  const mailTo = async (pattern: RegExp): Promise<ParsedMail[]> => {
    const parsed = await Promise.all(smtp.messages.map((message) => simpleParser(message.raw)));
    return parsed.filter((mail) => pattern.test(mail.subject ?? ''));
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, retryBaseMs: 20, maxDeliveryAttempts: 3, deliveryTimeoutMs: 5_000 });
    smtp = await startSmtp();
    const port = await freePort();
    h = await createHarness('postgres', {
      PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
      PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PAYBRIDGE_SMTP_URL: smtp.url,
      PAYBRIDGE_LOG_LEVEL: 'warn',
    });
    server = await startServer(h.ctx, { host: '127.0.0.1', port });
    workers = startWorkers(h.ctx, { maintenance: false, worker: { idlePollMs: 100 } });
    const account = await sandbox.createAccount({ business_name: 'Action Shop' });
    tenantId = (await h.api('POST', '/api/v1/tenants', { name: 'Action Shop' })).body.id;
    connectionId = (await connectAuto(h, tenantId, account)).id;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    recordPageProblems(page, consoleErrors);
    await signInAsAdmin(page, server.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await workers?.stop();
    await server?.close();
    await h?.close();
    await smtp?.close();
    await sandbox?.close();
  });

  it('creates an invoice from the form: too many decimals is refused at its field, 19.99 × 2 is exactly USD 39.98', async () => {
    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/invoices`);
    await page.getByRole('link', { name: 'New invoice' }).click();
    await page.getByRole('heading', { level: 1, name: 'New invoice' }).waitFor();
    await narrow(page.url(), '20act-02-invoice-form-360');
    await page.getByLabel('Customer email').fill('ada@example.com');
    await page.getByLabel('Customer name').fill(customerName);
    await page.getByLabel('Due date').fill('2099-12-31');
    await page.getByLabel('Line 1 description').fill('Consulting');
    await page.locator('#line-0-quantity').fill('2');
    await page.locator('#line-0-unit_price').fill('19.995');
    await page.getByRole('button', { name: 'Create draft invoice' }).click();
    const error = page.locator('#line-0-unit_price-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('USD has 2 decimal places; "19.995" has 3');
    expect(await page.locator('#line-0-unit_price').getAttribute('aria-describedby')).toContain('line-0-unit_price-error');
    expect(await page.getByLabel('Customer name').inputValue()).toBe(customerName);
    await screenshot(page, '20act-01-invoice-form-error');

    await page.locator('#line-0-unit_price').fill('19.99');
    await page.getByRole('button', { name: 'Create draft invoice' }).click();
    await page.getByRole('heading', { level: 1, name: /^Invoice inv_/ }).waitFor();
    invoiceId = /invoices\/(inv_\w+)/.exec(page.url())![1]!;
    expect(await page.locator('main .badges').first().textContent()).toMatch(/draft[\s\S]*USD 39\.98/);
    const api = (await h.api('GET', `/api/v1/tenants/${tenantId}/invoices/${invoiceId}`)).body;
    expect(api).toMatchObject({ amount_due: 3998, currency: 'USD', due_date: '2099-12-31', status: 'draft' });
    expect(api.customer).toMatchObject({ email: 'ada@example.com', name: customerName });
    await screenshot(page, '20act-03-invoice-created');
  });

  it('mails the payment link as HTML and text with values escaped, and the pay page is pre-filled and lists the test cards', async () => {
    await page.getByRole('button', { name: 'Finalize and send the payment link' }).click();
    await page.getByText('Finalized').first().waitFor();
    const [mail] = await until('the payment-link mail', async () => {
      const found = await mailTo(/^Invoice /);
      return found.length ? found : undefined;
    });
    expect(mail!.text).toContain('Amount due: 39.98 USD');
    expect(mail!.text).toContain('Due date: 2099-12-31');
    expect(mail!.text).toContain(`Hello ${customerName},`);
    const link = /(http:\/\/\S+prefilled_email=ada%40example\.com)/.exec(mail!.text ?? '')?.[1];
    expect(link, mail!.text).toBeDefined();
    const html = String(mail!.html);
    expect(html).toContain('Hello Ada &lt;Lovelace&gt; &amp; Co,');
    expect(html).not.toContain('<Lovelace>');
    expect(html).toContain('39.98 USD');
    expect(html).toContain(`href="${link}"`);

    await page.goto(link!);
    await page.getByRole('heading', { level: 1, name: 'Pay 39.98 USD' }).waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe('ada@example.com');
    const cards = await page.locator('table tbody tr').allTextContents();
    expect(cards.join('\n')).toMatch(/4242 4242 4242 4242\s*Succeeds/);
    expect(cards.join('\n')).toMatch(/4000 0025 0000 3155\s*Asks for 3-D Secure/);
    expect(cards.join('\n')).toMatch(/4000 0000 0000 0002\s*Declined/);
    expect(cards.join('\n')).toMatch(/4000 0000 0000 0259\s*.*disputed/);
    await screenshot(page, '20act-04-pay-page');
    await narrow(link!, '20act-05-pay-page-360');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByText('Thanks for your payment').waitFor();
  }, 60_000);

  it('sends one receipt after payment (both parts, exact amounts), and replaying all N matching events after a confirmation sends no second', async () => {
    await until('the invoice paid', async () => {
      const invoice = (await h.api('GET', `/api/v1/tenants/${tenantId}/invoices/${invoiceId}`)).body;
      return invoice.status === 'paid' ? invoice : undefined;
    });
    const [receipt] = await until('the receipt', async () => {
      const found = await mailTo(/^Receipt /);
      return found.length ? found : undefined;
    });
    expect(receipt!.to && 'text' in receipt!.to ? receipt!.to.text : '').toBe('ada@example.com');
    expect(receipt!.subject).toBe(`Receipt for invoice ${invoiceId} from Action Shop: 39.98 USD paid`);
    expect(receipt!.text).toContain('Consulting × 2: 39.98 USD');
    expect(receipt!.text).toContain('Amount paid: 39.98 USD');
    expect(receipt!.text).toMatch(/Payment reference: pi_\w+/);
    expect(String(receipt!.html)).toContain('Ada &lt;Lovelace&gt; &amp; Co');
    expect(String(receipt!.html)).toContain('Amount paid');

    const db = h.ctx.store.db;
    const expected = await db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('connection_id', '=', connectionId)
      .where('status', '!=', 'paused')
      .executeTakeFirstOrThrow();
    const n = Number(expected.n);
    expect(n).toBeGreaterThan(1);
    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/events?connection_id=${connectionId}`);
    await page.getByRole('button', { name: 'Replay all matching events' }).click();
    await page.getByRole('heading', { level: 1, name: `Replay ${n} matching events?` }).waitFor();
    await screenshot(page, '20act-06-replay-confirm');
    // A POST's answer: the same page shrunk to 360 px instead of loading it again.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(
      0,
    );
    await screenshot(page, '20act-07-replay-confirm-360');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: `Replay ${n} events` }).click();
    await page.getByText(`${n} events queued for processing again`).waitFor();

    await until('the replayed events processed', async () => {
      const left = await db
        .selectFrom('events')
        .select('id')
        .where('connection_id', '=', connectionId)
        .where('status', 'in', ['received', 'failed'])
        .execute();
      return left.length === 0 ? true : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await mailTo(/^Receipt /)).toHaveLength(1);
    const receipts = await db
      .selectFrom('mail_messages')
      .select('id')
      .where('invoice_id', '=', invoiceId)
      .where('kind', '=', 'receipt')
      .execute();
    expect(receipts).toHaveLength(1);
  }, 60_000);

  it('voids only after a confirmation page that says what will happen', async () => {
    const created = await h.api('POST', `/api/v1/tenants/${tenantId}/invoices`, {
      connection_id: connectionId,
      customer: { email: 'grace@example.com', name: 'Grace Hopper' },
      currency: 'jpy',
      lines: [{ description: 'Nanoseconds', quantity: 1, unit_amount: 500 }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await h.api('POST', `/api/v1/tenants/${tenantId}/invoices/${created.body.id}/finalize`)).status).toBe(200);
    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/invoices/${created.body.id}`);
    await page.getByRole('link', { name: 'Void…' }).click();
    await page.getByRole('heading', { level: 1, name: `Void invoice ${created.body.id}?` }).waitFor();
    const card = (await page.locator('main .card').textContent()) ?? '';
    expect(card).toContain('JPY 500 to Grace Hopper');
    expect(card).toContain('is deactivated in Stripe');
    expect((await h.api('GET', `/api/v1/tenants/${tenantId}/invoices/${created.body.id}`)).body.status).toBe('open');
    await screenshot(page, '20act-08-void-confirm');
    await narrow(page.url(), '20act-09-void-confirm-360');
    await page.getByRole('button', { name: 'Void the invoice' }).click();
    await page.getByText('Voided; its payment link no longer takes payments.').waitFor();
    expect((await h.api('GET', `/api/v1/tenants/${tenantId}/invoices/${created.body.id}`)).body.status).toBe('void');
  });

  it('renames the tenant, refuses deletion while a connection is connected, and deletes once it is disconnected', async () => {
    await page.goto(`${server.url}/dashboard/tenants/${tenantId}`);
    await page.locator('.crumb').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tenant settings' }).waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill(' ');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.locator('#name-error').waitFor();
    expect(await page.locator('#name-error').textContent()).toContain('Name the tenant in 1 to 200 characters');
    await page.getByRole('textbox', { name: 'Name' }).fill('Renamed Shop');
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('status').getByText('Renamed.').waitFor();
    expect(await page.locator('.crumb').textContent()).toContain('Renamed Shop');
    await screenshot(page, '20act-10-tenant-settings');
    await narrow(page.url(), '20act-11-tenant-settings-360');

    await page.getByRole('link', { name: 'Delete this tenant…' }).click();
    await page.getByRole('heading', { level: 1, name: 'Delete Renamed Shop?' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('disconnect its 1 connection');
    expect(await page.getByRole('button', { name: 'Delete the tenant' }).count()).toBe(0);
    await screenshot(page, '20act-12-tenant-delete-refused');
    await narrow(page.url(), '20act-13-tenant-delete-refused-360');

    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/connections/${connectionId}/disconnect`);
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/delete`);
    await page.getByRole('heading', { level: 1, name: 'Delete Renamed Shop?' }).waitFor();
    expect(await page.locator('main .card').textContent()).toContain('kept in the database as history');
    await screenshot(page, '20act-14-tenant-delete-confirm');
    await narrow(page.url(), '20act-15-tenant-delete-confirm-360');
    await page.getByRole('button', { name: 'Delete the tenant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Tenant deleted');
    expect(await page.getByRole('link', { name: 'Renamed Shop' }).count()).toBe(0);
    expect((await h.api('GET', `/api/v1/tenants/${tenantId}`)).status).toBe(404);
    const kept = await h.ctx.store.db.selectFrom('payments').select('id').where('invoice_id', '=', invoiceId).execute();
    expect(kept).toHaveLength(1);
    await screenshot(page, '20act-16-tenant-deleted');
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
