import { expect, it } from 'vitest';
import { upsertCustomer } from '../../src/store/invoices';
import { saveDispute } from '../../src/store/disputes';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';
import { DashboardClient } from './dashboard-client';
import { DAY, seedPaymentRequest, seedSubscription, seedTenant, type Seeded } from './dashboard-seed';

const decode = (text: string) => text.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
const count = (text: string) => /<strong>([^<]+)<\/strong>/.exec(text)?.[1];
const rows = (text: string, prefix: string) =>
  [...text.matchAll(new RegExp(`<a href="[^"]+/(${prefix}_\\w+)"><code>`, 'g'))].map((m) => m[1]!);
const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The payment request, subscription, dispute and customer lists of the dashboard (issue 20), as the
 * invoice list and the event log have them: search by id, external id or email, status, date range, a
 * total, older and newer pages, and "Clear filters".
 */
describeEachStore('dashboard lists: payment requests, subscriptions, disputes, customers', (h) => {
  let admin: DashboardClient;
  let seeded: Seeded;
  const now = new Date();
  const requestIds: string[] = [];
  const subscriptionIds: string[] = [];
  let graceId = '';

  it('seeds 60 payment requests over 60 days, three subscriptions and a second dispute', async () => {
    seeded = await seedTenant(h(), 'Lists Co', now);
    const db = h().ctx.store.db;
    for (let n = 0; n < 60; n += 1) {
      const created = new Date(now.getTime() - n * DAY);
      const options = {
        status: n % 3 === 0 ? ('succeeded' as const) : ('pending' as const),
        email: n === 7 ? 'Lin@Example.com' : undefined,
      };
      requestIds.push(await seedPaymentRequest(h(), seeded, n, created, options));
    }
    const grace = await upsertCustomer(db, {
      tenantId: seeded.tenantId,
      email: 'grace@example.com',
      name: 'Grace',
      externalId: 'CUST-9',
      now,
    });
    graceId = grace.id;
    for (const [n, customer, status] of [
      [0, seeded.customerId, 'active'],
      [1, graceId, 'past_due'],
      [10, graceId, 'canceled'],
    ] as const) {
      const created = new Date(now.getTime() - n * DAY);
      subscriptionIds.push(await seedSubscription(h(), { ...seeded, customerId: customer }, n, created, status));
    }
    const opened = new Date(now.getTime() - 40 * DAY);
    await saveDispute(db, {
      id: 'dp_oldwon',
      tenant_id: seeded.tenantId,
      connection_id: seeded.connectionId,
      stripe_dispute_id: 'dp_oldwon',
      charge_id: 'ch_old',
      payment_intent_id: 'pi_list3',
      payable_type: 'payment_request',
      payable_id: requestIds[3]!,
      payment_id: null,
      amount: 1003,
      currency: 'eur',
      reason: 'duplicate',
      status: 'won',
      is_open: false,
      due_by: null,
      opened_at: opened,
      closed_at: new Date(opened.getTime() + 10 * DAY),
      updated_at: opened,
    });
    admin = new DashboardClient(h());
    expect((await admin.signIn(ADMIN_TOKEN)).status).toBe(303);
  });

  it('payment requests: total, 50 a page with older and newer links, search by id, flow id, payment intent and email', async () => {
    const base = `/dashboard/tenants/${seeded.tenantId}/payment-requests`;
    const first = decode((await admin.get(base)).text);
    expect(count(first)).toBe('60 payment requests');
    expect(first).toContain('in all.');
    expect(first).not.toContain('Clear filters');
    expect(rows(first, 'preq')).toEqual(requestIds.slice(0, 50));
    expect(first).toMatch(/<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC">/);
    const older = decode((await admin.get(/href="([^"]+)" rel="next">Older/.exec(first)![1]!)).text);
    expect(rows(older, 'preq')).toEqual(requestIds.slice(50));
    const newer = decode((await admin.get(/href="([^"]+)" rel="prev">Newer/.exec(older)![1]!)).text);
    expect(rows(newer, 'preq')).toEqual(requestIds.slice(0, 50));

    for (const q of [requestIds[7]!, 'order-1007', 'pi_list7', 'lin@example.COM']) {
      const text = decode((await admin.get(`${base}?q=${encodeURIComponent(q)}`)).text);
      expect(rows(text, 'preq'), q).toEqual([requestIds[7]]);
      expect(count(text), q).toBe('1 payment request');
      expect(text, q).toContain(`<strong>1 payment request</strong> matches the filters. <a href="${base}">Clear filters</a>`);
    }
    expect(count(decode((await admin.get(`${base}?status=succeeded`)).text))).toBe('20 payment requests');
    const lastWeek = decode((await admin.get(`${base}?from=${day(new Date(now.getTime() - 6 * DAY))}&to=${day(now)}`)).text);
    expect(count(lastWeek)).toBe('7 payment requests');
    const both = decode((await admin.get(`${base}?status=succeeded&from=${day(new Date(now.getTime() - 6 * DAY))}`)).text);
    expect(rows(both, 'preq')).toEqual([requestIds[0], requestIds[3], requestIds[6]]);
    const none = decode((await admin.get(`${base}?q=nobody%40example.com`)).text);
    expect(none).toContain('No payment request matches these filters.');
    const bad = decode((await admin.get(`${base}?to=31/12/2026`)).text);
    expect(bad).toContain('The to date is not a date');
    expect(count(bad)).toBe('60 payment requests');
  });

  it('subscriptions: total, search by id, Stripe id, customer external id and email, status, date range; linked from the nav', async () => {
    const base = `/dashboard/tenants/${seeded.tenantId}/subscriptions`;
    const all = decode((await admin.get(base)).text);
    expect(count(all)).toBe('3 subscriptions');
    expect(rows(all, 'psub')).toEqual(subscriptionIds);
    const current = new RegExp(`<a href="${base}"\\s+aria-current="page">Subscriptions</a>`);
    expect(all).toMatch(current);
    expect(all).toContain('grace@example.com');
    expect(rows(decode((await admin.get(`${base}?q=${subscriptionIds[1]}`)).text), 'psub')).toEqual([subscriptionIds[1]]);
    expect(rows(decode((await admin.get(`${base}?q=sub_list10`)).text), 'psub')).toEqual([subscriptionIds[2]]);
    expect(rows(decode((await admin.get(`${base}?q=CUST-9`)).text), 'psub')).toEqual(subscriptionIds.slice(1));
    expect(rows(decode((await admin.get(`${base}?q=ADA%40example.com`)).text), 'psub')).toEqual([subscriptionIds[0]]);
    expect(rows(decode((await admin.get(`${base}?status=past_due`)).text), 'psub')).toEqual([subscriptionIds[1]]);
    const old = decode((await admin.get(`${base}?to=${day(new Date(now.getTime() - 5 * DAY))}`)).text);
    expect(count(old)).toBe('1 subscription');
    expect(old).toContain(`<a href="${base}">Clear filters</a>`);
    expect(decode((await admin.get(`${base}/${subscriptionIds[0]}`)).text)).toMatch(current);
  });

  it('disputes: total, newest opened first, search by dispute, charge, payment intent and what it contests, status, date range', async () => {
    const base = `/dashboard/tenants/${seeded.tenantId}/disputes`;
    const all = decode((await admin.get(base)).text);
    expect(count(all)).toBe('2 disputes');
    const seededDispute = `dp_${seeded.tenantId.slice(4, 12)}`;
    expect(all.indexOf(`<code>${seededDispute}</code>`)).toBeLessThan(all.indexOf('<code>dp_oldwon</code>'));
    expect(all).toContain(`href="/dashboard/tenants/${seeded.tenantId}/payment-requests/${requestIds[3]}"`);
    expect(all).toContain(`href="/dashboard/tenants/${seeded.tenantId}/invoices/${seeded.invoiceId}"`);
    for (const [q, id] of [
      ['dp_oldwon', 'dp_oldwon'],
      ['ch_old', 'dp_oldwon'],
      ['pi_paid', seededDispute],
      [seeded.invoiceId, seededDispute],
      [requestIds[3]!, 'dp_oldwon'],
    ]) {
      const text = decode((await admin.get(`${base}?q=${encodeURIComponent(q!)}`)).text);
      expect(count(text), q).toBe('1 dispute');
      expect(text, q).toContain(`<code>${id}</code>`);
    }
    expect(decode((await admin.get(`${base}?status=won`)).text)).toContain('<code>dp_oldwon</code>');
    const recent = decode((await admin.get(`${base}?from=${day(new Date(now.getTime() - DAY))}`)).text);
    expect(count(recent)).toBe('1 dispute');
    expect(recent).not.toContain('dp_oldwon');
    expect(decode((await admin.get(`${base}?status=lost`)).text)).toContain('No dispute matches these filters.');
  });

  it('customers: total, search by id, external id and the start of an email, date range, clear filters; no status field', async () => {
    const base = `/dashboard/tenants/${seeded.tenantId}/customers`;
    const all = decode((await admin.get(base)).text);
    expect(count(all)).toBe('2 customers');
    expect(all).not.toContain('name="status"');
    for (const q of [graceId, 'CUST-9', 'GRACE@', 'grace@example.com']) {
      const text = decode((await admin.get(`${base}?q=${encodeURIComponent(q)}`)).text);
      expect(count(text), q).toBe('1 customer');
      expect(text, q).toContain(`<code>${graceId}</code>`);
      expect(text, q).toContain(`<a href="${base}">Clear filters</a>`);
    }
    const tomorrow = day(new Date(now.getTime() + DAY));
    expect(decode((await admin.get(`${base}?from=${tomorrow}`)).text)).toContain('No customer matches these filters.');
  });

  it("a tenant's key sees its own lists and another tenant's lists answer 404", async () => {
    const key = (await h().api('POST', `/api/v1/tenants/${seeded.tenantId}/api-keys`, {})).body.key as string;
    const other = (await h().api('POST', '/api/v1/tenants', { name: 'Other Co' })).body.id as string;
    const tenant = new DashboardClient(h());
    await tenant.signIn(key);
    for (const list of ['payment-requests', 'subscriptions', 'disputes', 'customers']) {
      expect((await tenant.get(`/dashboard/tenants/${seeded.tenantId}/${list}`)).status, list).toBe(200);
      expect((await tenant.get(`/dashboard/tenants/${other}/${list}`)).status, list).toBe(404);
    }
  });
});
