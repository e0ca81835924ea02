import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import Stripe from 'stripe';
import { startSandbox, type AccountCredentials, type RunningSandbox } from '../../sandbox/index';
import { startServer, type RunningServer } from '../../src/server';
import { startWorkers, type RunningWorkers } from '../../src/workers';
import { freePort } from '../support/free-port';
import { ADMIN_TOKEN, createHarness, type TestHarness } from '../support/test-context';
import { launchBrowser, recordPageProblems, reloadUntil, screenshot } from './browser-support';

// The dashboard in a real browser against a real server, real workers and the Stripe sandbox.
describe('dashboard in a browser', () => {
  let sandbox: RunningSandbox;
  let h: TestHarness;
  let server: RunningServer;
  let workers: RunningWorkers;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let account: AccountCredentials;
  let tenantId = '';
  let connectionUrl = '';
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, retryBaseMs: 20, maxDeliveryAttempts: 3, deliveryTimeoutMs: 5_000 });
    const port = await freePort();
    h = await createHarness('postgres', {
      PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
      PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PAYBRIDGE_LOG_LEVEL: 'warn',
    });
    server = await startServer(h.ctx, { host: '127.0.0.1', port });
    workers = startWorkers(h.ctx, { maintenance: false, worker: { idlePollMs: 100 } });
    account = await sandbox.createAccount({ business_name: 'Browser Shop' });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(server.url) && !url.startsWith(sandbox.url) && !url.startsWith('data:')) foreignRequests.push(url);
    });
    // A CSP violation or a script error shows up here (4xx answers to refused forms are expected).
    recordPageProblems(page, consoleErrors);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await workers?.stop();
    await server?.close();
    await h?.close();
    await sandbox?.close();
  });

  it('signs in with the admin token and creates a tenant', async () => {
    await page.goto(`${server.url}/`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    expect(await page.title()).toBe('Sign in · Paybridge');
    await screenshot(page, '01-sign-in');
    await page.getByLabel('Admin token or API key').fill('pb_admin_wrong_token_000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This is not a valid admin token').waitFor();
    await page.getByLabel('Admin token or API key').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tenants' }).waitFor();
    await page.getByLabel('Name').fill('Browser Shop Ltd');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    tenantId = /\/dashboard\/tenants\/(ten_\w+)/.exec(page.url())![1]!;
    expect(await page.getByRole('status').first().textContent()).toContain('Tenant created');
    await page.goto(`${server.url}/dashboard/tenants`);
    await page.getByRole('link', { name: 'Browser Shop Ltd' }).waitFor();
    await screenshot(page, '02-tenants');
  });

  it('explains a pasted pk_ next to the secret key field and keeps no secret in the form', async () => {
    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/connections/new`);
    await page.getByLabel('Name').fill('Main account');
    await page.getByLabel('Secret key or restricted key').fill(account.publishable_key);
    await page.getByRole('button', { name: 'Connect' }).click();
    const message = page.locator('#secret_key-error');
    await message.waitFor();
    expect(await message.textContent()).toContain('This is a publishable key (pk_…)');
    expect(await page.getByLabel('Secret key or restricted key').getAttribute('aria-describedby')).toContain('secret_key-error');
    expect(await page.getByLabel('Secret key or restricted key').inputValue()).toBe('');
    expect(await page.getByLabel('Name').inputValue()).toBe('Main account');
    expect(await page.content()).not.toContain(account.publishable_key);
    expect(await page.title()).toMatch(/^Fix the form/);
    await screenshot(page, '03-connect-form-error');
  });

  it('connects a sandbox account with automatic webhook setup and shows it active', async () => {
    await page.getByLabel('Secret key or restricted key').fill(account.secret_key);
    await page.getByLabel('Publishable key').fill(account.publishable_key);
    await page.getByLabel('Environment label').fill('stage');
    await page.getByRole('radio', { name: /Automatic/ }).check();
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('heading', { level: 1, name: 'Main account' }).waitFor();
    connectionUrl = page.url().split('?')[0]!;
    const badges = await page.locator('main .badges').first().textContent();
    expect(badges).toContain('Test');
    expect(badges).toContain('stage');
    expect(badges).toContain('active');
    const connectionId = /conn_\w+/.exec(connectionUrl)![0];
    expect(await page.getByLabel('Webhook URL for this connection').inputValue()).toBe(`${server.url}/webhooks/stripe/${connectionId}`);
    await page.getByRole('button', { name: 'Copy' }).first().click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(`${server.url}/webhooks/stripe/${connectionId}`);
    // The endpoint really exists in the (sandbox) Stripe account, pointing at this connection.
    const endpoints = await sandbox.stripe(account.secret_key).webhookEndpoints.list();
    expect(endpoints.data.map((endpoint) => endpoint.url)).toEqual([`${server.url}/webhooks/stripe/${connectionId}`]);
    expect(await page.content()).not.toContain(account.secret_key);
    await screenshot(page, '04-connection');

    await page.goto(`${server.url}/dashboard/tenants/${tenantId}`);
    const card = page.locator('li.conn', { hasText: 'Main account' });
    expect(await card.textContent()).toContain('active');
    await screenshot(page, '05-integrations');
  });

  it('shows events from Stripe processed, filters them, opens one with payload and attempts, and replays it', async () => {
    const stripe: Stripe = sandbox.stripe(account.secret_key);
    await stripe.customers.create({ email: 'ours@example.com', metadata: { paybridge_tenant_id: tenantId } });
    await stripe.customers.create({ email: 'second@example.com', metadata: { paybridge_tenant_id: tenantId } });
    expect(await sandbox.waitForDeliveries(10_000)).toBe(true);

    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/events`);
    const rows = page.locator('table.events tbody tr');
    await reloadUntil(
      page,
      async () => (await rows.filter({ hasText: 'customer.created' }).filter({ hasText: 'processed' }).count()) === 2,
    );
    await screenshot(page, '06-events');

    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=failed/);
    await page.getByText('No event matches these filters.').waitFor();
    await page.getByLabel('Status').selectOption('processed');
    await page.getByLabel('Type').fill('customer.created');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=processed&type=customer.created/);
    expect(await rows.count()).toBe(2);

    await rows
      .filter({ has: page.locator('td') })
      .last()
      .getByRole('link')
      .click();
    await page.getByRole('heading', { level: 2, name: 'Payload' }).waitFor();
    expect(await page.locator('pre.payload').textContent()).toContain('ours@example.com');
    expect(await page.locator('main .badges').first().textContent()).toContain('processed');
    expect(await page.locator('section', { hasText: 'Processing attempts' }).locator('tbody tr').count()).toBe(1);
    await screenshot(page, '07-event-detail');

    await page.getByRole('button', { name: 'Replay this event' }).click();
    await page.getByText('Queued for processing again.').waitFor();
    await reloadUntil(
      page,
      async () =>
        (await page.locator('main .badges').first().textContent())!.includes('processed') &&
        (await page.locator('section', { hasText: 'Processing attempts' }).locator('tbody tr').count()) === 2,
    );
    await screenshot(page, '08-event-replayed');

    await page.goto(`${server.url}/dashboard/tenants/${tenantId}`);
    expect(await page.locator('li.conn ul.counts').textContent()).toMatch(/processed\s*\d/);
  }, 60_000);

  it('follows an invoice from the API through the sandbox payment page to paid, with its events and mail', async () => {
    const connectionId = /conn_\w+/.exec(connectionUrl)![0];
    const created = await h.api('POST', `/api/v1/tenants/${tenantId}/invoices`, {
      connection_id: connectionId,
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      currency: 'usd',
      lines: [{ description: 'Consulting', quantity: 2, unit_amount: 1000 }],
      external_id: 'INV-1001',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const finalized = await h.api('POST', `/api/v1/tenants/${tenantId}/invoices/${created.body.id}/finalize`);
    expect(finalized.status, JSON.stringify(finalized.body)).toBe(200);

    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/invoices`);
    await page.getByRole('link', { name: 'INV-1001' }).click();
    await page.getByRole('heading', { level: 1, name: 'Invoice INV-1001' }).waitFor();
    expect(await page.locator('main .badges').first().textContent()).toContain('open');
    await screenshot(page, '09-invoice-open');

    // Pay in the sandbox's hosted page, in the same browser.
    await page.goto(finalized.body.payment_link_url);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByText('Thanks for your payment').waitFor();
    expect(await sandbox.waitForDeliveries(10_000)).toBe(true);

    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/invoices/${created.body.id}`);
    await reloadUntil(page, async () => (await page.locator('main .badges').first().textContent())!.includes('paid'));
    const payments = page.locator('section', { hasText: 'Payments' }).locator('tbody tr');
    expect(await payments.count()).toBe(1);
    expect(await payments.first().textContent()).toContain('USD 20.00');
    const diagnosis = page.locator('section', { has: page.getByRole('heading', { name: 'Diagnosis' }) });
    await reloadUntil(
      page,
      async () => (await diagnosis.locator('li', { hasText: 'checkout.session.completed' }).filter({ hasText: 'processed' }).count()) >= 1,
    );
    await screenshot(page, '10-invoice-paid');

    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/events?type=checkout.session.completed`);
    expect(await page.locator('table.events tbody tr', { hasText: 'processed' }).count()).toBeGreaterThanOrEqual(1);

    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/mail`);
    // The payment-link mail and, once paid, the receipt (issue 20).
    await reloadUntil(page, async () => (await page.locator('main tbody tr', { hasText: 'ada@example.com' }).count()) === 2);
    expect(await page.locator('main tbody tr', { hasText: 'Receipt for invoice INV-1001' }).count()).toBe(1);
    await page.getByRole('link', { name: /^Invoice INV-1001 from/ }).click();
    expect(await page.locator('pre.mail-body').textContent()).toContain(finalized.body.payment_link_url);
    await screenshot(page, '11-mail');
  }, 60_000);

  it('is usable 360 px wide', async () => {
    const narrow = await context.newPage();
    try {
      await narrow.setViewportSize({ width: 360, height: 740 });
      for (const [path, name] of [
        [connectionUrl.replace(server.url, ''), '12-connection-360'],
        [`/dashboard/tenants/${tenantId}/events`, '13-events-360'],
        [`/dashboard/tenants/${tenantId}/connections/new`, '14-connect-form-360'],
        [`/dashboard/tenants/${tenantId}/invoices`, '15-invoices-360'],
      ] as const) {
        await narrow.goto(`${server.url}${path}`);
        // Nothing forces the page wider than the screen (tables scroll inside their own box).
        const overflow = await narrow.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, path).toBeLessThanOrEqual(0);
        await screenshot(narrow, name);
      }
    } finally {
      await narrow.close();
    }
  });

  it('disconnects after a confirmation, removing the endpoint from Stripe and keeping the history', async () => {
    await page.goto(connectionUrl);
    await page.getByRole('link', { name: 'Disconnect…' }).click();
    await page.getByRole('heading', { level: 1, name: 'Disconnect Main account?' }).waitFor();
    await screenshot(page, '16-disconnect-confirm');
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    expect(await page.getByRole('status').first().textContent()).toContain('Disconnected');
    expect(await page.locator('section', { hasText: 'Disconnected' }).getByRole('link', { name: 'Main account' }).count()).toBe(1);
    expect((await sandbox.stripe(account.secret_key).webhookEndpoints.list()).data).toHaveLength(0);
    await screenshot(page, '17-after-disconnect');
    await page.goto(`${server.url}/dashboard/tenants/${tenantId}/events`);
    expect(await page.locator('table.events tbody tr').count()).toBeGreaterThanOrEqual(2);
  });

  it('loaded nothing from outside and hit no script or CSP error', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
