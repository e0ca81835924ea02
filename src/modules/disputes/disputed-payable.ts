import type { PayableRef } from '../../domain/paybridge-metadata';
import { readPaybridgeMetadata } from '../../domain/paybridge-metadata';
import type { Db } from '../../store/database';
import { findStoredObject } from '../../store/object-lookup';
import { findRequestByIntent } from '../../store/payment-requests';
import { findPaymentByIntent, findRequestPaymentByIntent } from '../../store/refunds';

export interface DisputedPayable {
  payable: PayableRef;
  /** The invoice payment, when the payable is an invoice whose payment is recorded. */
  paymentId: string | null;
}

/**
 * Which invoice or payment request a dispute contests, for this tenant. Deliveries arrive in any
 * order, so the dispute can be processed before the payment it contests is recorded: after the
 * recorded payments (invoice, then payment request) come the payment request that created the
 * intent, then the Paybridge metadata of the stored payment intent or charge.
 */
export async function findDisputedPayable(
  db: Db,
  owner: { tenantId: string; connectionId: string },
  ids: { paymentIntentId: string | null; chargeId: string | null },
): Promise<DisputedPayable | undefined> {
  const { paymentIntentId, chargeId } = ids;
  if (paymentIntentId) {
    const payment = await findPaymentByIntent(db, owner.connectionId, paymentIntentId);
    if (payment && payment.tenant_id === owner.tenantId)
      return { payable: { type: 'invoice', id: payment.invoice_id }, paymentId: payment.id };
    const requestPayment = await findRequestPaymentByIntent(db, owner.connectionId, paymentIntentId);
    if (requestPayment && requestPayment.tenant_id === owner.tenantId)
      return { payable: { type: 'payment_request', id: requestPayment.request_id }, paymentId: null };
    const request = await findRequestByIntent(db, owner.tenantId, owner.connectionId, paymentIntentId);
    if (request) return { payable: { type: 'payment_request', id: request.id }, paymentId: null };
  }
  for (const stripeId of [paymentIntentId, chargeId]) {
    if (!stripeId) continue;
    const stored = await findStoredObject(db, owner.connectionId, stripeId);
    const metadata = stored ? readPaybridgeMetadata(stored.data) : undefined;
    if (metadata?.payable && metadata.tenantId === owner.tenantId) return { payable: metadata.payable, paymentId: null };
  }
  return undefined;
}
