import type { AppContext } from '../context';
import { inUnitOfWork } from '../domain/unit-of-work';
import { AppError } from '../errors';
import { recordInvoiceEvent } from '../modules/invoices/invoice-events';
import { findConnection } from '../store/connections';
import { addTimelineEntry, findInvoice, updateInvoice } from '../store/invoices';
import { deactivatePaymentLink } from './payment-link';

/** The `payment_link.deactivate` job: switch the link off in Stripe, then record that it is off. */
export async function deactivateInvoiceLink(ctx: AppContext, invoiceId: string): Promise<void> {
  const invoice = await findInvoice(ctx.store.db, invoiceId);
  if (!invoice || !invoice.payment_link_id || !invoice.payment_link_active) return;
  const connection = await findConnection(ctx.store.db, invoice.connection_id);
  if (!connection || connection.disconnected_at) {
    throw new AppError({
      code: 'connection_disconnected',
      retryable: false,
      message: `Connection ${invoice.connection_id} is disconnected; deactivate payment link ${invoice.payment_link_id} in Stripe Dashboard → Payment Links.`,
    });
  }
  const outcome = await deactivatePaymentLink(ctx, connection, invoice.payment_link_id);
  await inUnitOfWork(ctx, async (effects) => {
    const { trx, now } = effects;
    const updated = (await updateInvoice(trx, invoice.id, { payment_link_active: false, updated_at: now }))!;
    await addTimelineEntry(trx, {
      invoiceId: invoice.id,
      kind: 'link_deactivated',
      message:
        outcome === 'missing'
          ? `Payment link ${invoice.payment_link_id} no longer exists in Stripe; nothing left to deactivate.`
          : `Payment link ${invoice.payment_link_id} deactivated, so it cannot be paid again.`,
      at: now,
      dedupeKey: `link_deactivated:${invoice.payment_link_id}`,
    });
    await recordInvoiceEvent(effects, 'invoice.payment_link_deactivated', updated);
  });
}
