import { expect, it } from 'vitest';
import { newId } from '../../src/ids';
import { insertInvoice, upsertCustomer } from '../../src/store/invoices';
import { insertTestConnection } from '../support/test-connections';
import { describeEachStore } from '../support/test-context';

describeEachStore('tenant rename and delete', (h) => {
  async function tenantWithKey(name: string) {
    const tenant = (await h().api('POST', '/api/v1/tenants', { name })).body;
    const key = (await h().api('POST', `/api/v1/tenants/${tenant.id}/api-keys`)).body.key as string;
    return { id: tenant.id as string, key };
  }

  it('renames a tenant; a blank name, a tenant key and an unknown id are refused with the reason', async () => {
    const { id, key } = await tenantWithKey('Old name');
    const renamed = await h().api('PATCH', `/api/v1/tenants/${id}`, { name: '  New name  ' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: 'New name' });
    expect((await h().api('GET', `/api/v1/tenants/${id}`)).body.name).toBe('New name');

    const blank = await h().api('PATCH', `/api/v1/tenants/${id}`, { name: ' ' });
    expect(blank.status).toBe(422);
    expect(blank.body.error).toMatchObject({ code: 'validation_failed', field: 'name' });
    const byTenant = await h().api('PATCH', `/api/v1/tenants/${id}`, { name: 'Mine' }, key);
    expect(byTenant.status).toBe(403);
    const unknown = await h().api('PATCH', '/api/v1/tenants/ten_00000000000000000000', { name: 'Ghost' });
    expect(unknown.status).toBe(404);
  });

  it('refuses to delete while a connection is connected or an invoice is open, saying what to do first', async () => {
    const { id } = await tenantWithKey('Busy Ltd');
    const { connection } = await insertTestConnection(h(), { tenantId: id });
    const db = h().ctx.store.db;
    const customer = await upsertCustomer(db, { tenantId: id, email: 'a@example.com', name: 'A', externalId: null, now: new Date() });
    const invoiceId = newId('invoice');
    await insertInvoice(
      db,
      {
        id: invoiceId,
        tenant_id: id,
        connection_id: connection.id,
        customer_id: customer.id,
        external_id: null,
        currency: 'USD',
        amount_due: 500,
        status: 'open',
        payment_link_id: null,
        payment_link_url: null,
        review_reason: null,
        finalized_at: new Date(),
        paid_at: null,
        voided_at: null,
        updated_at: new Date(),
      },
      [{ description: 'Thing', quantity: 1, unit_amount: 500, amount: 500 }],
    );

    const refused = await h().api('DELETE', `/api/v1/tenants/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('tenant_in_use');
    expect(refused.body.error.message).toMatch(/disconnect its 1 connection/);
    expect(refused.body.error.message).toMatch(/void or settle its 1 open invoice/);
    expect((await h().api('GET', `/api/v1/tenants/${id}`)).status).toBe(200);

    // As a disconnect leaves it; then the invoice is voided through the API.
    await db.updateTable('connections').set({ disconnected_at: new Date() }).where('id', '=', connection.id).execute();
    expect((await h().api('POST', `/api/v1/tenants/${id}/invoices/${invoiceId}/void`)).status).toBe(200);
    const deleted = await h().api('DELETE', `/api/v1/tenants/${id}`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body).toEqual({ id, deleted: true, revoked_api_keys: 1 });
  });

  it('deletes softly: the tenant answers 404 and its keys stop working, while its invoices stay in the database', async () => {
    const { id, key } = await tenantWithKey('Gone Ltd');
    const { connection } = await insertTestConnection(h(), { tenantId: id });
    const db = h().ctx.store.db;
    await db.updateTable('connections').set({ disconnected_at: new Date() }).where('id', '=', connection.id).execute();
    const customer = await upsertCustomer(db, { tenantId: id, email: 'b@example.com', name: 'B', externalId: null, now: new Date() });
    const invoiceId = newId('invoice');
    await insertInvoice(
      db,
      {
        id: invoiceId,
        tenant_id: id,
        connection_id: connection.id,
        customer_id: customer.id,
        external_id: null,
        currency: 'USD',
        amount_due: 900,
        status: 'paid',
        payment_link_id: null,
        payment_link_url: null,
        review_reason: null,
        finalized_at: new Date(),
        paid_at: new Date(),
        voided_at: null,
        updated_at: new Date(),
      },
      [{ description: 'Paid thing', quantity: 1, unit_amount: 900, amount: 900 }],
    );
    expect((await h().api('GET', '/api/v1/tenants', undefined, key)).status).toBe(200);

    const deleted = await h().api('DELETE', `/api/v1/tenants/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.revoked_api_keys).toBe(1);
    expect((await h().api('GET', `/api/v1/tenants/${id}`)).status).toBe(404);
    expect((await h().api('DELETE', `/api/v1/tenants/${id}`)).status).toBe(404);
    // The admin can still read the history through the tenant-scoped lists (they read rows by tenant id).
    expect((await h().api('GET', `/api/v1/tenants/${id}/invoices`)).body.data.map((i: { id: string }) => i.id)).toEqual([invoiceId]);
    expect((await h().api('GET', '/api/v1/tenants', undefined, key)).status).toBe(401);
    const listed = (await h().api('GET', '/api/v1/tenants?limit=100')).body.data.map((t: { id: string }) => t.id);
    expect(listed).not.toContain(id);
    // The money history is still there.
    const kept = await db.selectFrom('invoices').select(['id', 'status', 'amount_due']).where('tenant_id', '=', id).execute();
    expect(kept).toEqual([{ id: invoiceId, status: 'paid', amount_due: expect.anything() }]);
    expect(Number(kept[0]!.amount_due)).toBe(900);
  });

  it('lets only the admin delete', async () => {
    const { id, key } = await tenantWithKey('Keyed Ltd');
    const attempt = await h().api('DELETE', `/api/v1/tenants/${id}`, undefined, key);
    expect(attempt.status).toBe(403);
    expect((await h().api('GET', `/api/v1/tenants/${id}`)).status).toBe(200);
  });
});
