import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { insertEvents } from '../../src/store/events';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';
import { DashboardClient } from './dashboard-client';
import { DAY, seedTenant, type Seeded } from './dashboard-seed';

const decode = (text: string) => text.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
const rowCount = (text: string) => (text.match(/<tr data-event-id=/g) ?? []).length;

describeEachStore('dashboard overview pages and lists', (h) => {
  let admin: DashboardClient;
  let seeded: Seeded;
  let quietTenant = '';
  const now = new Date();

  it('seeds a tenant and signs in as the admin', async () => {
    seeded = await seedTenant(h(), 'Acme Overview', now);
    quietTenant = (await h().api('POST', '/api/v1/tenants', { name: 'Quiet Tenant' })).body.id;
    admin = new DashboardClient(h());
    expect((await admin.signIn(ADMIN_TOKEN)).status).toBe(303);
  });

  it('tenant overview: connection health, two activity charts, revenue in major units, urgent disputes, failing endpoints', async () => {
    const page = await admin.get(`/dashboard/tenants/${seeded.tenantId}/overview`);
    expect(page.status).toBe(200);
    const text = decode(page.text);
    expect(text).toContain('<h1>Overview</h1>');
    expect(text).toMatch(/Main account<\/a>/);
    // 24 h: the 3 events of this hour and the 2 of five hours ago; 30 days: also the 4 of ten days ago.
    expect(text).toContain('5 events received, 2 processed, 2 failed or dead, one bar per hour (UTC).');
    expect(text).toContain('9 events received, 6 processed, 2 failed or dead, one bar per day (UTC).');
    expect((text.match(/<svg viewBox="0 0 400 180" role="img"/g) ?? []).length).toBe(2);
    expect(text).toContain('<title id="chart-24h-title">Last 24 hours, by hour (UTC)</title>');
    expect((text.match(/<th scope="row">/g) ?? []).length).toBe(24 + 30);
    expect(text).toContain('EUR 1234.56');
    expect(text).toContain('1 payment');
    expect(text).toMatch(/Evidence due <time datetime="[^"]+"/);
    expect(text).toContain('EUR 50.00');
    expect(text).toContain(`/invoices/${seeded.invoiceId}`);
    expect(text).toContain('https://hooks.example.com/paybridge');
    expect(text.replace(/\s+/g, ' ')).toContain('4 failures in a row, failing since <time');
  });

  it('tenant overview of a quiet tenant says so instead of showing empty tables', async () => {
    const text = decode((await admin.get(`/dashboard/tenants/${quietTenant}/overview`)).text);
    expect(text).toContain('No Stripe account is connected yet.');
    expect(text).toContain('0 events received, 0 processed, 0 failed or dead, one bar per hour (UTC).');
    expect(text).toContain('Nothing paid through Paybridge yet.');
    expect(text).toContain('No open dispute.');
    expect(text).toContain('Every outbound webhook endpoint is delivering.');
  });

  it('admin overview lists tenants with trouble (dead, failed, rejected) and leaves quiet tenants out; tenants get a 404', async () => {
    const page = await admin.get('/dashboard/overview');
    expect(page.status).toBe(200);
    const text = decode(page.text);
    expect(text).toContain(`<a href="/dashboard/tenants/${seeded.tenantId}/overview">Acme Overview</a>`);
    expect(text).not.toContain('Quiet Tenant');
    expect(text).toContain(`<a href="/dashboard/tenants/${seeded.tenantId}/events?status=dead">1</a>`);
    expect(text).toContain(`<a href="/dashboard/tenants/${seeded.tenantId}/events?status=failed">1</a>`);
    expect(text).toContain(`<a href="/dashboard/tenants/${seeded.tenantId}/events/rejected">7</a>`);
    const key = (await h().api('POST', `/api/v1/tenants/${seeded.tenantId}/api-keys`, {})).body.key as string;
    const tenant = new DashboardClient(h());
    await tenant.signIn(key);
    expect((await tenant.get('/dashboard/overview')).status).toBe(404);
    expect((await tenant.get(`/dashboard/tenants/${seeded.tenantId}/overview`)).status).toBe(200);
  });

  it('event log: type prefix, search by event / Stripe / object / invoice id, date range, totals and clear filters', async () => {
    const base = `/dashboard/tenants/${seeded.tenantId}/events`;
    const all = decode((await admin.get(base)).text);
    expect(all).toContain('<strong>9 events</strong> in all.');
    expect(all).not.toContain('Clear filters');

    const prefix = decode((await admin.get(`${base}?type=payment_intent`)).text);
    expect(rowCount(prefix)).toBe(3);
    expect(prefix).toContain('<strong>3 events</strong> match the filters.');
    expect(prefix).toContain(`<a href="${base}">Clear filters</a>`);
    expect(prefix).not.toContain('checkout.session.completed</code>');

    const byStripeId = decode((await admin.get(`${base}?q=${seeded.payingEvent}`)).text);
    expect(rowCount(byStripeId)).toBe(1);
    expect(byStripeId).toContain('payment_intent.succeeded');
    expect(rowCount(decode((await admin.get(`${base}?q=pi_other`)).text))).toBe(2);
    // The invoice's id finds the event that changed it, through the domain event it caused.
    const byInvoice = decode((await admin.get(`${base}?q=${seeded.invoiceId}`)).text);
    expect(rowCount(byInvoice)).toBe(1);
    expect(byInvoice).toContain(seeded.payingEvent);

    const ownId = /<tr data-event-id="(ev_\w+)"/.exec(byInvoice)![1]!;
    expect(rowCount(decode((await admin.get(`${base}?q=${ownId}`)).text))).toBe(1);

    const today = now.toISOString().slice(0, 10);
    const recent = decode((await admin.get(`${base}?from=${new Date(now.getTime() - DAY).toISOString().slice(0, 10)}&to=${today}`)).text);
    expect(recent).toContain('<strong>5 events</strong> match');
    const old = decode((await admin.get(`${base}?to=${new Date(now.getTime() - 5 * DAY).toISOString().slice(0, 10)}`)).text);
    expect(old).toContain('<strong>4 events</strong> match');

    const bad = decode((await admin.get(`${base}?from=01/12/2026`)).text);
    expect(bad).toContain('The from date is not a date: use the date picker or type it as 2026-12-01.');
    expect(bad).toContain('<strong>9 events</strong> in all.');
  });

  it('an event links to the invoice it changed, in the log and on its page; times carry the exact UTC', async () => {
    const base = `/dashboard/tenants/${seeded.tenantId}`;
    const list = decode((await admin.get(`${base}/events?q=${seeded.payingEvent}`)).text);
    expect(list.replace(/\s+/g, ' ')).toContain(
      `<a href="${base}/invoices/${seeded.invoiceId}" >Invoice <code>${seeded.invoiceId}</code></a >`,
    );
    expect(list).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z" title="\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC">/);
    const id = /<tr data-event-id="(ev_\w+)"/.exec(list)![1]!;
    const detail = decode((await admin.get(`${base}/events/${id}`)).text);
    expect(detail).toContain('<dt>Changed</dt>');
    expect(detail).toContain(`href="${base}/invoices/${seeded.invoiceId}"`);
  });

  it('event log pages older and newer with totals; the live fragment reports a newly arrived event', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Busy' })).body.id as string;
    const connection = (await h().api('GET', `/api/v1/tenants/${seeded.tenantId}/connections`)).body;
    expect(connection).toBeTruthy();
    const { insertTestConnection } = await import('./dashboard-client');
    const conn = await insertTestConnection(h().ctx, tenantId, 'Busy account');
    const start = now.getTime() - 1000 * 120;
    await insertEvents(
      h().ctx.store.db,
      Array.from({ length: 120 }, (_, n) => ({
        connection_id: conn.id,
        tenant_id: tenantId,
        stripe_event_id: `evt_busy${String(n).padStart(3, '0')}`,
        type: 'customer.updated',
        livemode: false,
        api_version: null,
        stripe_created: 1,
        object_id: 'cus_busy',
        object_type: 'customer',
        payload: '{}',
        source: 'webhook',
        status: 'received' as const,
        received_at: new Date(start + n * 1000),
        next_attempt_at: new Date(start + n * 1000),
      })),
    );
    const base = `/dashboard/tenants/${tenantId}/events`;
    const first = decode((await admin.get(base)).text);
    expect(first).toContain('<strong>120 events</strong> in all.');
    expect(rowCount(first)).toBe(50);
    expect(first).toContain('evt_busy119');
    expect(first).not.toContain('rel="prev"');
    expect(first).toContain('data-live-src');
    const older = /href="([^"]+)" rel="next">Older/.exec(first)![1]!;
    const second = decode((await admin.get(older)).text);
    expect(rowCount(second)).toBe(50);
    expect(second).toContain('evt_busy069');
    expect(second).not.toContain('evt_busy070');
    expect(second).not.toContain('data-live-src'); // an older page keeps what the reader looks at
    const newer = /href="([^"]+)" rel="prev">Newer/.exec(second)![1]!;
    const back = decode((await admin.get(newer)).text);
    expect(rowCount(back)).toBe(50);
    expect(back).toContain('evt_busy119');
    expect(back).not.toContain('rel="prev"');

    const live = await admin.get(`${base}/live`);
    expect(live.status).toBe(200);
    const before = JSON.parse(live.text) as { html: string; newest: string };
    expect(rowCount(before.html)).toBe(50);
    await insertEvents(h().ctx.store.db, [
      {
        connection_id: conn.id,
        tenant_id: tenantId,
        stripe_event_id: 'evt_busy_new',
        type: 'invoice.paid',
        livemode: false,
        api_version: null,
        stripe_created: 1,
        object_id: 'in_1',
        object_type: 'invoice',
        payload: '{}',
        source: 'webhook',
        status: 'received',
        received_at: new Date(),
        next_attempt_at: new Date(),
      },
    ]);
    const after = JSON.parse((await admin.get(`${base}/live`)).text) as { html: string; newest: string };
    expect(after.newest).not.toBe(before.newest);
    expect(after.html).toContain('evt_busy_new');
    expect(decode(after.html)).toContain('<strong>121 events</strong> in all.');
  });

  it('invoice list: search by email, invoice and customer external ids, date range, totals and clear filters', async () => {
    const base = `/dashboard/tenants/${seeded.tenantId}/invoices`;
    for (const q of ['ADA@example.com', 'INV-1001', 'CUST-7', seeded.invoiceId, seeded.customerId]) {
      const text = decode((await admin.get(`${base}?q=${encodeURIComponent(q)}`)).text);
      expect(text, q).toContain('<strong>1 invoice</strong> matches the filters.');
      expect(text, q).toContain('INV-1001');
    }
    const none = decode((await admin.get(`${base}?q=nobody%40example.com`)).text);
    expect(none).toContain('No invoice matches these filters.');
    expect(none).toContain(`<a href="${base}">Clear filters</a>`);
    const tomorrow = new Date(now.getTime() + DAY).toISOString().slice(0, 10);
    expect(decode((await admin.get(`${base}?from=${tomorrow}`)).text)).toContain('<strong>0 invoices</strong>');
    expect(decode((await admin.get(`${base}?to=${tomorrow}`)).text)).toContain('<strong>1 invoice</strong>');
  });

  it('the overview queries use indexes on a large events table (EXPLAIN)', async () => {
    const db = h().ctx.store.db;
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Bulk' })).body.id as string;
    // 60,000 events over 60 days across two tenants, then fresh statistics.
    await sql`
      insert into events (id, connection_id, tenant_id, stripe_event_id, type, livemode, stripe_created, payload, source, status, received_at, next_attempt_at)
      select 'ev_bulk' || n, ${seeded.connectionId}, case when n % 2 = 0 then ${tenantId} else ${seeded.tenantId} end, 'evt_bulk' || n,
             'customer.updated', false, 1, '{}', 'webhook', case when n % 1000 = 0 then 'dead' else 'processed' end,
             now() - (n || ' minutes')::interval * 1.44, now()
      from generate_series(1, 60000) as n`.execute(db);
    await sql`analyze events`.execute(db);
    await sql`analyze domain_events`.execute(db);
    const plan = async (query: ReturnType<typeof sql>) =>
      (await sql`explain ${query}`.execute(db)).rows.map((row) => Object.values(row as object)[0]).join('\n');
    const activity = await plan(sql`
      select date_trunc('hour', received_at at time zone 'UTC'), count(*), count(*) filter (where status in ('processed','ignored'))
      from events where tenant_id = ${tenantId} and received_at >= now() - interval '24 hours' group by 1`);
    // events is partitioned by month (migration 0230): the 58,000 older rows sit in earlier months (here
    // the default partition); a partition index, never a scan of that large partition, must serve them.
    const largePartitionScanned = /Seq Scan on events_default/;
    expect(activity).toMatch(/events_default_tenant_id_received_at\S*_idx/);
    expect(activity).not.toMatch(largePartitionScanned);
    const trouble = await plan(sql`select tenant_id, count(*) from events where status in ('failed', 'dead') group by tenant_id`);
    expect(trouble).toMatch(/events_default_tenant_id_status\S*_idx/);
    expect(trouble).not.toMatch(largePartitionScanned);
    const links = await plan(
      sql`select object_id from domain_events where connection_id = ${seeded.connectionId} and stripe_event_id = ${seeded.payingEvent}`,
    );
    expect(links).toMatch(/domain_events_cause_idx|Seq Scan on domain_events/);
    const search = await plan(sql`
      select id from events where tenant_id = ${seeded.tenantId}
        and (id in ('x', 'ev_resolved_from_event_keys') or (connection_id in (${seeded.connectionId}) and object_id = 'x'))`);
    expect(search).not.toMatch(largePartitionScanned);
  });
});
