import type Stripe from 'stripe';
import { AppError } from '../errors';
import { describeStripeError, fromStripeError } from './stripe-errors';

export interface KeyCheck {
  /** The `acct_…` the key belongs to, when Stripe told us (account read, or a 403 naming it). */
  accountId: string | null;
}

/**
 * The live half of the key checks (C1): `GET /v1/balance` proves Stripe accepts the key. A 401 is a
 * key Stripe does not know; a 403 means the key is real but restricted, which the preflight then
 * reports in detail. `hint` is the masked key: the only form of it an error may carry.
 */
export async function checkKeyWithStripe(stripe: Stripe, hint: string, field = 'secret_key'): Promise<KeyCheck> {
  let accountId: string | null = null;
  try {
    await stripe.balance.retrieve();
  } catch (error) {
    const failure = describeStripeError(error);
    if (failure.kind === 'authentication') {
      throw new AppError({
        code: 'key_rejected_by_stripe',
        status: 422,
        field,
        message: `Stripe rejected the key ${hint}: it was rolled, deleted or mistyped. Copy a current secret key (sk_…) or restricted key (rk_…) from Stripe Dashboard → Developers → API keys and try again.`,
      });
    }
    if (failure.kind !== 'permission') throw fromStripeError(error, 'checking the key');
    accountId = failure.account;
  }
  try {
    accountId = (await stripe.accounts.retrieveCurrent()).id;
  } catch (error) {
    const failure = describeStripeError(error);
    // Restricted keys usually lack rak_accounts_kyc_basic_read; Paybridge needs only the id.
    if (failure.kind !== 'permission') throw fromStripeError(error, 'reading the account');
    accountId ??= failure.account;
  }
  return { accountId };
}

/** A pasted account id must name the account the key belongs to, or events would be misfiled. */
export function requireSameAccount(keyAccount: string | null, expected: string | null, field: string): void {
  if (!keyAccount || !expected || keyAccount === expected) return;
  throw new AppError({
    code: 'account_mismatch',
    status: 422,
    field,
    message: `The key belongs to Stripe account ${keyAccount}, not ${expected}. Use keys of ${expected}, or create a separate connection for ${keyAccount}.`,
  });
}
