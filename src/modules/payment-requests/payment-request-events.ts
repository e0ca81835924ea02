import type { Effects } from '../../domain/effects';
import type { PaymentRequestRow } from '../../store/payment-requests-schema';
import { viewPaymentRequest } from './payment-request-view';

/**
 * The domain events payment requests emit (outbound webhooks send these names): one per status
 * change, `overpaid` when money arrives that the request did not ask for, `stalled` once when no
 * final state came in time.
 */
export type PaymentRequestEventType =
  | 'payment_request.created'
  | 'payment_request.pending'
  | 'payment_request.requires_action'
  | 'payment_request.processing'
  | 'payment_request.succeeded'
  | 'payment_request.failed'
  | 'payment_request.canceled'
  | 'payment_request.expired'
  | 'payment_request.overpaid'
  | 'payment_request.stalled';

/** Records the event with the request as it is after the change; also wakes long-polls on it, in every process. */
export function recordPaymentRequestEvent(effects: Effects, type: PaymentRequestEventType, request: PaymentRequestRow): void {
  effects.recordDomainEvent({
    tenantId: request.tenant_id,
    type,
    object: { type: 'payment_request', id: request.id },
    snapshot: viewPaymentRequest(request),
    connectionId: request.connection_id,
  });
}
