import { registerAccountHandlers } from './account';
import { registerCatalogHandlers } from './catalog';
import { registerChargeHandlers } from './charge';
import { registerCheckoutSessionHandlers } from './checkout-session';
import { registerCustomerHandlers } from './customer';
import { registerDisputeHandlers } from './dispute';
import { registerPaymentIntentHandlers } from './payment-intent';
import { registerRefundHandlers } from './refund';
import { HandlerRegistry } from './registry';
import { registerSubscriptionHandlers } from './subscription';

/** Every event family, one file each. A new family is one file and one line here. */
export function buildHandlerRegistry(): HandlerRegistry {
  const registry = new HandlerRegistry();
  registerPaymentIntentHandlers(registry);
  registerChargeHandlers(registry);
  registerCheckoutSessionHandlers(registry);
  registerSubscriptionHandlers(registry);
  registerCatalogHandlers(registry);
  registerCustomerHandlers(registry);
  registerDisputeHandlers(registry);
  registerAccountHandlers(registry);
  registerRefundHandlers(registry);
  return registry;
}
