import type { BusinessModule } from '../../domain/module';
import { applyRefund } from './apply-refund';

/**
 * Refunds of Paybridge's payments (SPEC C8), from `refund.*`: made through Paybridge (its metadata
 * names the payable) or in Stripe's dashboard (linked through the payment intent). Records each
 * refund against its payment, keeps `refunded_amount` and the invoice's `amount_refunded`, and
 * emits `payment.refunded` and `refund.failed`.
 */
export const refundsModule: BusinessModule = {
  name: 'refunds',
  feature: 'payments',
  payableTypes: [],
  describes: 'recording refunds',
  handles: {
    'refund.recorded': async (effects, fact) => {
      const cause = effects.cause!;
      return applyRefund(effects, { tenantId: cause.tenantId, connectionId: cause.connectionId }, fact.object);
    },
  },
};
