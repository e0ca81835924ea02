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
];
