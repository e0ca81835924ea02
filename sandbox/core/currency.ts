import { STRIPE_CURRENCIES } from '../../src/stripe/currencies';
import { invalidRequest } from './errors';
import type { Json } from './json';
import { requiredString } from './params';

/** A required `currency` parameter, refused as Stripe refuses a code it does not support. */
export function requiredCurrency(params: Json, name: string, label = name): string {
  const currency = requiredString(params, name, label).toLowerCase();
  if (!STRIPE_CURRENCIES.has(currency)) {
    throw invalidRequest(
      `Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...STRIPE_CURRENCIES].join(', ')}`,
      undefined,
      label,
    );
  }
  return currency;
}
