import type { Sandbox } from '../core/sandbox';
import type { Scope } from '../core/store';

/** The test clock a customer was created on, or null for the account's own time. */
export function customerClock(sandbox: Sandbox, scope: Scope, customerId: string): string | null {
  const customer = sandbox.store.get(scope, 'customer', customerId);
  return typeof customer?.test_clock === 'string' ? customer.test_clock : null;
}

/**
 * "Now" for billing a customer: its test clock's frozen time when it has one (Stripe bills such a
 * customer only in the clock's time), otherwise the sandbox clock.
 */
export function billingNow(sandbox: Sandbox, scope: Scope, customerId: string): number {
  const clockId = customerClock(sandbox, scope, customerId);
  const clock = clockId ? sandbox.store.get(scope, 'test_helpers.test_clock', clockId) : undefined;
  return clock ? Number(clock.frozen_time) : sandbox.clock.now();
}
