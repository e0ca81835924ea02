import type { Effects } from '../../domain/effects';
import type { FactOutcome } from '../../domain/module';
import { lockInvoice } from '../../store/invoices';
import type { InvoiceRow } from '../../store/invoices-schema';

type Located = { invoice: InvoiceRow } | { outcome: FactOutcome };

/**
 * Finds and locks the invoice a fact names, only within the event's tenant and only for the
 * connection that received the event. The lock serialises a checkout session event and a payment
 * intent event for one payment processed at once by two workers.
 */
export async function locateInvoice(effects: Effects, invoiceId: string): Promise<Located> {
  const cause = effects.cause!;
  const invoice = await lockInvoice(effects.trx, cause.tenantId, invoiceId);
  if (!invoice)
    return { outcome: { status: 'ignored', reason: `recorded; the metadata names invoice ${invoiceId}, which this tenant does not have` } };
  if (invoice.connection_id !== cause.connectionId) {
    return {
      outcome: {
        status: 'ignored',
        reason: `recorded; invoice ${invoiceId} belongs to connection ${invoice.connection_id}, not to ${cause.connectionId} which received this event`,
      },
    };
  }
  return { invoice };
}
