import type { AppContext } from '../../context';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { lockStalledPaymentRequests, updatePaymentRequest } from '../../store/payment-requests';
import { recordPaymentRequestEvent } from './payment-request-events';

/** How often worker processes look for stalled requests (one of them per round, see MaintenanceTask). */
export const STALL_CHECK_INTERVAL_MS = 60_000;
const BATCH = 200;

/**
 * Emits `payment_request.stalled` once for every request still without a final state
 * PAYBRIDGE_PAYMENT_REQUEST_STALL_MINUTES after it was created; its status stays as it is, since the
 * customer may still pay. Batches lock with SKIP LOCKED, so a request being updated is taken next round.
 */
export async function reportStalledPaymentRequests(ctx: AppContext): Promise<number> {
  let reported = 0;
  for (;;) {
    const count = await inUnitOfWork(ctx, async (effects) => {
      const stalled = await lockStalledPaymentRequests(
        effects.trx,
        new Date(effects.now.getTime() - ctx.config.paymentRequestStallMs),
        BATCH,
      );
      for (const request of stalled) {
        const updated = await updatePaymentRequest(effects.trx, request.id, { stalled_at: effects.now, updated_at: effects.now });
        recordPaymentRequestEvent(effects, 'payment_request.stalled', updated);
      }
      return stalled.length;
    });
    reported += count;
    if (count < BATCH) return reported;
  }
}
