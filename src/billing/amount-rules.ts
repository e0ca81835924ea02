import { checkAmountForStripe, formatMinorUnits } from '../money';

/**
 * Stripe's minimum charge per settlement currency, in minor units ("Minimum and maximum charge
 * amounts" in Stripe's docs). Currencies not listed have a minimum near USD 0.50 that depends on the
 * exchange rate; Stripe itself refuses those at payment time, so they are not guessed here.
 */
const MINIMUM_CHARGE: Record<string, number> = {
  USD: 50,
  AED: 200,
  AUD: 50,
  BGN: 100,
  BRL: 50,
  CAD: 50,
  CHF: 50,
  CZK: 1500,
  DKK: 250,
  EUR: 50,
  GBP: 30,
  HKD: 400,
  HUF: 17500,
  INR: 50,
  JPY: 50,
  MXN: 1000,
  MYR: 200,
  NOK: 300,
  NZD: 50,
  PLN: 200,
  RON: 200,
  SEK: 300,
  SGD: 50,
  THB: 1000,
};

/** Stripe amounts have at most eight digits (99,999,999 minor units, e.g. USD 999,999.99). */
export const MAX_STRIPE_AMOUNT = 99_999_999;

/** Why a line's unit amount cannot go to Stripe in this currency, or null. */
export function unitAmountProblem(amount: number, currency: string): string | null {
  const basic = checkAmountForStripe(amount, currency);
  if (basic) return basic;
  if (amount < 0) return 'must not be negative';
  if (amount > MAX_STRIPE_AMOUNT) return `must be at most ${MAX_STRIPE_AMOUNT} minor units (Stripe's eight-digit limit)`;
  // ISK is zero-decimal but Stripe takes it ×100, so an amount with hundredths cannot be charged.
  if (currency.toUpperCase() === 'ISK' && amount % 100 !== 0)
    return 'ISK amounts are sent ×100 and must be a multiple of 100 (ISK has no minor unit)';
  return null;
}

/** Why an invoice total cannot be charged by Stripe in this currency, or null. */
export function totalAmountProblem(total: bigint, currency: string): string | null {
  const code = currency.toUpperCase();
  if (total > BigInt(MAX_STRIPE_AMOUNT))
    return `the total ${total} minor units is above Stripe's limit of ${MAX_STRIPE_AMOUNT} for one payment; split the invoice`;
  const minimum = MINIMUM_CHARGE[code];
  if (minimum !== undefined && total < BigInt(minimum)) {
    return `the total ${formatMinorUnits(total, code)} ${code} is below Stripe's minimum charge of ${formatMinorUnits(minimum, code)} ${code}`;
  }
  if (minimum === undefined && total <= 0n) return 'the total must be above zero';
  return null;
}
