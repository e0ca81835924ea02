import type { BusinessModule } from '../../domain/module';
import { mirrorSubscription } from './mirror-subscription';
import { recordSubscriptionCheckout, recordSubscriptionCheckoutExpired } from './record-checkout';
import { recordInvoiceFailed, recordInvoicePaid } from './record-invoice';
import { SUBSCRIPTION_PAYABLE } from './locate-subscription';
import { scheduleSubscriptionReread } from './schedule-reread';

/**
 * Subscriptions sold through Paybridge's Checkout Sessions (SPEC C5): the session and the Stripe
 * subscription carry `paybridge_payable_type: subscription` with Paybridge's subscription id, and
 * Stripe copies it onto the subscription's invoices. State mirrors the subscription's newest
 * version; entitlements follow from it (src/modules/entitlements/).
 */
export const subscriptionsModule: BusinessModule = {
  name: 'subscriptions',
  feature: 'subscriptions',
  payableTypes: [SUBSCRIPTION_PAYABLE],
  describes: 'mirroring subscriptions and their entitlements',
  handles: {
    'subscription.changed': mirrorSubscription,
    'subscription.order_unsettled': scheduleSubscriptionReread,
    'payment.succeeded': recordSubscriptionCheckout,
    'payment.pending': recordSubscriptionCheckout,
    'checkout.expired': recordSubscriptionCheckoutExpired,
    'subscription_invoice.paid': recordInvoicePaid,
    'subscription_invoice.failed': recordInvoiceFailed,
  },
};
