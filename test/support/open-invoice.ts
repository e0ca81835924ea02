import { expect } from 'vitest';
import { updateInvoice } from '../../src/store/invoices';
import type { TestHarness } from './test-context';

/** An open invoice of 20.00 USD on the connection, as finalize leaves it (without calling Stripe). */
export async function openInvoice(h: TestHarness, tenantId: string, connectionId: string): Promise<string> {
  const created = await h.api('POST', `/api/v1/tenants/${tenantId}/invoices`, {
    connection_id: connectionId,
    customer: { email: 'ada@example.com', name: 'Ada' },
    currency: 'usd',
    lines: [{ description: 'Consulting', quantity: 1, unit_amount: 2000 }],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await updateInvoice(h.ctx.store.db, created.body.id, { status: 'open', finalized_at: new Date(), updated_at: new Date() });
  return created.body.id as string;
}
