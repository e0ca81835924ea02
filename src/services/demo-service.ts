import type { InvoiceView } from '../billing/invoice-view';
import { createInvoice, finalizeInvoice } from '../billing/invoice-service';
import { connectAccount } from '../connections/connection-service';
import type { AppContext } from '../context';
import { createApiKey } from './api-key-service';
import { createTenant } from './tenant-service';

export interface DemoSeed {
  tenantId: string;
  connectionId: string;
  /** Finalized: open, with its payment link. */
  invoice: InvoiceView;
  /** A tenant API key for the dashboard sign-in link (shown by the demo, on the operator's terminal only). */
  signInKey: string;
}

/**
 * What `paybridge demo` shows: a tenant, its connection to a (sandbox) Stripe account and one open
 * invoice, made through the same use cases as the API, so the demo exercises the real path.
 */
export async function seedDemo(ctx: AppContext, account: { secretKey: string; publishableKey: string }): Promise<DemoSeed> {
  const tenant = await createTenant(ctx, 'Demo Shop');
  const { row: connection } = await connectAccount(ctx, tenant.id, {
    name: 'Sandbox account',
    secret_key: account.secretKey,
    publishable_key: account.publishableKey,
    webhook_setup: 'auto',
  });
  const draft = await createInvoice(ctx, tenant.id, {
    connection_id: connection.id,
    customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
    currency: 'USD',
    lines: [{ description: 'Demo consulting hour', quantity: 2, unit_amount: 1500 }],
    external_id: 'DEMO-1',
  });
  const invoice = await finalizeInvoice(ctx, tenant.id, draft.id);
  const { key } = await createApiKey(ctx, tenant.id, 'demo sign-in');
  return { tenantId: tenant.id, connectionId: connection.id, invoice, signInKey: key };
}
