import { beforeAll, expect, it } from 'vitest';
import type { AccountCredentials } from '../../../sandbox/index';
import { ensureStripeCustomer, resolveCustomer } from '../../../src/modules/customers/customers-service';
import { findTenantConnection } from '../../../src/store/connections';
import { createAccount, createTenant, useSandbox } from '../../invoices/support';
import { describeEachStore } from '../../support/test-context';

const sandbox = useSandbox();
const env: Record<string, string> = { PAYBRIDGE_LOG_LEVEL: 'warn' };
beforeAll(() => {
  env.PAYBRIDGE_STRIPE_API_BASE = sandbox().url;
});

describeEachStore(
  'customers API',
  (h) => {
    let account: AccountCredentials;
    let tenantId: string;
    let otherTenantId: string;
    let connectionId: string;
    const api = (method: string, path: string, body?: unknown) => h().api(method, `/api/v1/tenants/${tenantId}${path}`, body);

    beforeAll(async () => {
      account = await createAccount(sandbox());
      tenantId = await createTenant(h());
      otherTenantId = await createTenant(h(), 'Other Ltd');
      const connection = await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, {
        name: 'Sandbox',
        secret_key: account.secret_key,
        webhook_setup: 'manual',
        webhook_secret: 'whsec_abcdefghijklmnopqrstuvwxyz012345',
      });
      expect(connection.status, JSON.stringify(connection.body)).toBe(201);
      connectionId = connection.body.id;
    });

    it('creates a customer once per external_id: a repeated create answers 200 with the same customer', async () => {
      const first = await api('POST', '/customers', { external_id: 'user_1', email: 'ada@example.com', name: 'Ada' });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({ external_id: 'user_1', email: 'ada@example.com', name: 'Ada', stripe_customers: [] });
      expect(first.body.id).toMatch(/^cust_/);
      const again = await api('POST', '/customers', { external_id: 'user_1', email: 'ada@example.com', name: 'Ada' });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () => api('POST', '/customers', { external_id: 'user_race', email: 'race@example.com' })),
      );
      expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1);
      expect(concurrent.filter((r) => r.status === 201)).toHaveLength(1);
    });

    it('finds a customer by Paybridge id or ext:{external_id}, and 404s for another tenant', async () => {
      const created = await api('POST', '/customers', { external_id: 'user_2', email: 'bob@example.com' });
      const byId = await api('GET', `/customers/${created.body.id}`);
      expect(byId.status).toBe(200);
      expect(byId.body.email).toBe('bob@example.com');
      const byExternal = await api('GET', '/customers/ext:user_2');
      expect(byExternal.body.id).toBe(created.body.id);
      const fromOther = await h().api('GET', `/api/v1/tenants/${otherTenantId}/customers/${created.body.id}`);
      expect(fromOther.status).toBe(404);
      expect((await h().api('GET', `/api/v1/tenants/${otherTenantId}/customers/ext:user_2`)).status).toBe(404);
      await expect(resolveCustomer(h().ctx.store.db, otherTenantId, created.body.id)).rejects.toMatchObject({ status: 404 });
    });

    it('lists customers newest first and searches by email prefix or exact external id', async () => {
      await api('POST', '/customers', { external_id: 'search_a', email: 'Carol.Search@example.com' });
      await api('POST', '/customers', { external_id: 'search_b', email: 'dave@example.com' });
      const byEmail = await api('GET', '/customers?search=carol.s');
      expect(byEmail.body.data.map((c: any) => c.external_id)).toEqual(['search_a']);
      const byExternal = await api('GET', '/customers?search=search_b');
      expect(byExternal.body.data.map((c: any) => c.external_id)).toEqual(['search_b']);
      const wildcard = await api('GET', '/customers?search=%25');
      expect(wildcard.body.data).toEqual([]);
      const page = await api('GET', '/customers?limit=2');
      expect(page.body.data).toHaveLength(2);
      expect(page.body.next_cursor).toEqual(expect.any(String));
      const next = await api('GET', `/customers?limit=2&cursor=${page.body.next_cursor}`);
      expect(next.body.data[0].id).not.toBe(page.body.data[1].id);
    });

    it('refuses bad input naming the field', async () => {
      const cases: [unknown, string][] = [
        [{ email: 'x@example.com' }, 'external_id'],
        [{ external_id: 'a b', email: 'x@example.com' }, 'external_id'],
        [{ external_id: 'ok', email: 'not-an-email' }, 'email'],
        [{ external_id: 'ok', email: 'x@example.com', extra: 1 }, ''],
      ];
      for (const [body, field] of cases) {
        const response = await api('POST', '/customers', body);
        expect(response.status, JSON.stringify(body)).toBe(422);
        if (field) expect(response.body.error.field).toBe(field);
        expect(response.body.error.message.length).toBeGreaterThan(10);
      }
    });

    it('creates one Stripe customer per connection on first use, stamped with Paybridge metadata', async () => {
      const created = await api('POST', '/customers', { external_id: 'user_stripe', email: 'eve@example.com', name: 'Eve' });
      const customer = await resolveCustomer(h().ctx.store.db, tenantId, created.body.id);
      const connection = (await findTenantConnection(h().ctx.store.db, tenantId, connectionId))!;
      const ids = await Promise.all([1, 2, 3].map(() => ensureStripeCustomer(h().ctx, connection, customer)));
      expect(new Set(ids).size).toBe(1);
      const stripe = sandbox().stripe(account.secret_key);
      const stripeCustomer = await stripe.customers.retrieve(ids[0]!);
      expect(stripeCustomer).toMatchObject({
        email: 'eve@example.com',
        metadata: { paybridge_tenant_id: tenantId, paybridge_customer_id: customer.id, external_id: 'user_stripe' },
      });
      const listed = await stripe.customers.list({ email: 'eve@example.com' });
      expect(listed.data).toHaveLength(1);
      const view = await api('GET', '/customers/ext:user_stripe');
      expect(view.body.stripe_customers).toEqual([{ connection_id: connectionId, stripe_customer_id: ids[0] }]);
    });
  },
  env,
);
