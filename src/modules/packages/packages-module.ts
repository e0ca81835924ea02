import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { BusinessModule, FactOutcome } from '../../domain/module';
import { lockCheckoutByPayable, setCheckoutStatus } from '../../store/checkout-sessions';
import { findPackage } from '../../store/plans';
import { grantCredits } from '../credits/grant-credits';
import { refreshLicenseEntitlements } from './license-entitlements';

export const PACKAGE_PAYABLE = 'package_checkout';
const DAY_MS = 24 * 3600 * 1000;

function unknownCheckout(id: string): FactOutcome {
  return { status: 'ignored', reason: `recorded; no package Checkout Session ${id} of this tenant exists, so nothing is granted` };
}

/**
 * A package is granted exactly once per Checkout Session, when its payment is final: the checkout
 * row is locked and moves to `paid` once, so the session's completed event, its
 * async_payment_succeeded, the payment intent's succeeded and their duplicates grant one time.
 */
async function grantPackage(effects: Effects, fact: FactOf<'payment.succeeded'>): Promise<FactOutcome> {
  const checkout = await lockCheckoutByPayable(effects.trx, PACKAGE_PAYABLE, fact.payable.id);
  if (!checkout) return unknownCheckout(fact.payable.id);
  if (checkout.status === 'paid') return { status: 'processed', note: `package checkout ${checkout.id} was already granted` };
  const pkg = (await findPackage(effects.trx, checkout.package_id!))!;
  const paidAt = fact.paidAt;
  await setCheckoutStatus(effects.trx, checkout.id, 'paid', paidAt);
  const paid = { ...checkout, status: 'paid' as const, paid_at: paidAt };
  const granted: string[] = [];
  const credits = pkg.grants.credits;
  if (credits) {
    await grantCredits(effects, {
      tenantId: checkout.tenant_id,
      customerId: checkout.customer_id,
      unit: credits.unit,
      amount: credits.amount * checkout.quantity,
      kind: 'paid',
      source: { type: 'checkout_session', id: checkout.id },
      expiresAt: credits.expires_after_days ? new Date(paidAt.getTime() + credits.expires_after_days * DAY_MS) : null,
      idempotencyKey: `checkout_session:${checkout.id}:credits`,
      reason: `package ${pkg.name} (${pkg.id}) bought`,
    });
    granted.push(`${credits.amount * checkout.quantity} ${credits.unit}`);
  }
  const license = await refreshLicenseEntitlements(effects, paid, pkg);
  if (license.granted.length > 0) {
    effects.recordDomainEvent({
      tenantId: checkout.tenant_id,
      type: 'license.granted',
      object: { type: 'package_checkout', id: checkout.id },
      snapshot: {
        checkout_id: checkout.id,
        customer: checkout.customer_id,
        package_id: pkg.id,
        entitlements: license.granted,
        active_until: pkg.grants.duration_days
          ? new Date(paidAt.getTime() + pkg.grants.duration_days * checkout.quantity * DAY_MS).toISOString()
          : null,
      },
    });
    granted.push(license.granted.join(', '));
  }
  return {
    status: 'processed',
    note: `package ${pkg.id} granted once for checkout ${checkout.id}: ${granted.join('; ') || 'nothing to grant'}`,
  };
}

async function notePending(effects: Effects, fact: FactOf<'payment.pending'>): Promise<FactOutcome> {
  const checkout = await lockCheckoutByPayable(effects.trx, PACKAGE_PAYABLE, fact.payable.id);
  if (!checkout) return unknownCheckout(fact.payable.id);
  if (checkout.status === 'open') await setCheckoutStatus(effects.trx, checkout.id, 'pending');
  return {
    status: 'processed',
    note: `package checkout ${checkout.id} completed with payment_status ${fact.paymentStatus}: granted when the payment succeeds`,
  };
}

async function noteFailed(effects: Effects, fact: FactOf<'payment.failed'>): Promise<FactOutcome> {
  const checkout = await lockCheckoutByPayable(effects.trx, PACKAGE_PAYABLE, fact.payable.id);
  if (!checkout) return unknownCheckout(fact.payable.id);
  if (checkout.status === 'paid')
    return { status: 'processed', note: `a failed attempt on package checkout ${checkout.id}, already paid, changes nothing` };
  await setCheckoutStatus(effects.trx, checkout.id, 'failed');
  return { status: 'processed', note: `package checkout ${checkout.id} payment failed: nothing granted` };
}

async function noteExpired(effects: Effects, fact: FactOf<'checkout.expired'>): Promise<FactOutcome> {
  const checkout = await lockCheckoutByPayable(effects.trx, PACKAGE_PAYABLE, fact.payable.id);
  if (!checkout) return unknownCheckout(fact.payable.id);
  if (checkout.status === 'open' || checkout.status === 'pending') await setCheckoutStatus(effects.trx, checkout.id, 'expired');
  return { status: 'processed', note: `package checkout ${checkout.id} expired` };
}

/** One-time purchases (top-ups, licenses) through Checkout in payment mode. */
export const packagesModule: BusinessModule = {
  name: 'packages',
  feature: 'checkout',
  payableTypes: [PACKAGE_PAYABLE],
  describes: 'granting purchased packages',
  handles: {
    'payment.succeeded': grantPackage,
    'payment.pending': notePending,
    'payment.failed': noteFailed,
    'checkout.expired': noteExpired,
  },
};
