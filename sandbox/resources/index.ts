import type { Resource } from '../core/resource';
import { account } from './account';
import { balance } from './balance';
import { charges } from './charges';
import { checkoutSessions } from './checkout-sessions';
import { customers } from './customers';
import { disputes } from './disputes';
import { events } from './events';
import { issuingCardholders } from './issuing-cardholders';
import { issuingCards } from './issuing-cards';
import { mandates } from './mandates';
import { paymentIntents } from './payment-intents';
import { paymentLinks } from './payment-links';
import { paymentMethods } from './payment-methods';
import { prices } from './prices';
import { products } from './products';
import { refunds } from './refunds';
import { setupIntents } from './setup-intents';
import { tokens } from './tokens';
import { webhookEndpoints } from './webhook-endpoints';
import { billingPortal } from './billing-portal';
import { coupons } from './coupons';
import { creditNotes } from './credit-notes';
import { invoiceItems } from './invoice-items';
import { invoices } from './invoices';
import { plans } from './plans';
import { promotionCodes } from './promotion-codes';
import { subscriptionItemsResource } from './subscription-items';
import { subscriptionSchedules } from './subscription-schedules';
import { subscriptions } from './subscriptions';
import { testClocks } from './test-clocks';

/** Every Stripe resource the sandbox serves: the one place a new resource file is registered. */
export const RESOURCES: readonly Resource[] = [
  balance,
  account,
  customers,
  products,
  prices,
  paymentLinks,
  checkoutSessions,
  paymentIntents,
  paymentMethods,
  setupIntents,
  tokens,
  charges,
  refunds,
  disputes,
  mandates,
  issuingCardholders,
  issuingCards,
  webhookEndpoints,
  events,
  // Billing (issue 14 part A).
  testClocks,
  subscriptions,
  invoices,
  invoiceItems,
  subscriptionItemsResource,
  subscriptionSchedules,
  creditNotes,
  coupons,
  promotionCodes,
  plans,
  billingPortal,
];
