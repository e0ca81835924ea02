import { z } from '@hono/zod-openapi';
import type { CustomerStripeLinkRow } from '../../store/customers-schema';
import type { CustomerRow } from '../../store/invoices-schema';

export const customerView = z
  .object({
    id: z.string().openapi({ example: 'cust_…' }),
    tenant_id: z.string(),
    external_id: z.string().nullable().openapi({ description: "The platform's own id for this customer." }),
    email: z.string(),
    name: z.string(),
    stripe_customers: z
      .array(z.object({ connection_id: z.string(), stripe_customer_id: z.string() }))
      .openapi({ description: 'The Stripe customer Paybridge made for it on each connection, on first use.' }),
    created_at: z.string(),
  })
  .openapi('Customer');

export type CustomerView = z.infer<typeof customerView>;

export function toCustomerView(customer: CustomerRow, links: readonly CustomerStripeLinkRow[]): CustomerView {
  return {
    id: customer.id,
    tenant_id: customer.tenant_id,
    external_id: customer.external_id,
    email: customer.email,
    name: customer.name,
    stripe_customers: links.map((link) => ({ connection_id: link.connection_id, stripe_customer_id: link.stripe_customer_id })),
    created_at: new Date(customer.created_at).toISOString(),
  };
}
