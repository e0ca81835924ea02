import { expect, it } from 'vitest';
import { SANDBOX_CURRENCIES } from '../../sandbox/core/currency';
import { STRIPE_CURRENCIES } from '../../src/stripe/currencies';

// The sandbox may not import Paybridge, so it keeps its own copy of Stripe's currency list.
it("the sandbox refuses exactly the currencies Paybridge's own check refuses", () => {
  expect([...SANDBOX_CURRENCIES].sort()).toEqual([...STRIPE_CURRENCIES].sort());
});
