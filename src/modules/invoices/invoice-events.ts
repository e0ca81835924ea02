import { viewInvoice } from '../../billing/invoice-view';
import type { Effects } from '../../domain/effects';
import type { InvoiceRow } from '../../store/invoices-schema';

/** The domain events invoices emit; outbound webhooks will send these names. */
export type InvoiceEventType =
  | 'invoice.created'
  | 'invoice.finalized'
  | 'invoice.paid'
  | 'invoice.voided'
  | 'invoice.needs_refund_review'
  | 'invoice.payment_failed'
  | 'invoice.payment_pending'
  | 'invoice.checkout_expired'
  | 'invoice.payment_link_deactivated';

/** Records an invoice domain event whose snapshot is the invoice as the API shows it after the change. */
export async function recordInvoiceEvent(effects: Effects, type: InvoiceEventType, invoice: InvoiceRow): Promise<void> {
  effects.recordDomainEvent({
    tenantId: invoice.tenant_id,
    type,
    object: { type: 'invoice', id: invoice.id },
    snapshot: await viewInvoice(effects.trx, invoice),
    connectionId: invoice.connection_id,
  });
}
