import type { StripeObject } from '../core/json';

/**
 * `percent_off` as an exact integer in ten-thousandths of a percent ("25.5" → 255000), so the
 * discount below is integer arithmetic end to end; Stripe allows two decimals.
 */
export function percentUnits(percent: number): number {
  const [whole, fraction = ''] = String(percent).split('.');
  return Number(whole) * 10_000 + Number(fraction.padEnd(4, '0').slice(0, 4));
}

/** Half-up rounding of `numerator / denominator` on integers (BigInt: no float in between). */
function divideRounded(numerator: number, denominator: number): number {
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  return Number((n * 2n + d) / (d * 2n));
}

/** What a coupon takes off `amount` minor units of `currency`: never more than the amount. */
export function couponDiscount(coupon: StripeObject, amount: number, currency: string): number {
  if (coupon.percent_off !== null && coupon.percent_off !== undefined) {
    return Math.min(amount, divideRounded(amount * percentUnits(Number(coupon.percent_off)), 1_000_000));
  }
  if (typeof coupon.amount_off === 'number' && coupon.currency === currency) return Math.min(amount, coupon.amount_off);
  return 0;
}
