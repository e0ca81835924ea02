import { invalidRequest } from '../core/errors';
import type { Json } from '../core/json';
import { optionalEnum, requiredString } from '../core/params';
import { fingerprint } from './cards';

// US bank accounts (ACH debit) are the sandbox's delayed method: confirming leaves the payment
// `processing` until the debit clears or bounces, as on Stripe. Outcomes follow Stripe's test
// account numbers (docs.stripe.com/testing, ACH Direct Debit).

/** An ACH debit clears about four business days after it is initiated; the sandbox clock counts days. */
export const ACH_SETTLE_SECONDS = 4 * 24 * 60 * 60;

export type BankOutcome = 'succeeded' | 'failed';

const FAILING: Record<string, string> = {
  '000111111116': 'account_closed',
  '000111111113': 'no_account',
  '000222222227': 'insufficient_funds',
  '000333333335': 'debit_not_authorized',
  '000444444440': 'invalid_currency',
};

export function isBankAccountInput(raw: Json): boolean {
  return typeof raw.account_number === 'string' && typeof raw.routing_number === 'string';
}

/** The `us_bank_account` hash of a PaymentMethod, from `account_number` and `routing_number`. */
export function bankAccountDetails(raw: Json, label: string): Json {
  const accountNumber = requiredString(raw, 'account_number', `${label}[account_number]`);
  const routingNumber = requiredString(raw, 'routing_number', `${label}[routing_number]`);
  if (!/^\d{9}$/.test(routingNumber)) throw invalidRequest('Routing number must have 9 digits.', undefined, `${label}[routing_number]`);
  if (!/^\d{4,17}$/.test(accountNumber)) throw invalidRequest('Invalid account number.', undefined, `${label}[account_number]`);
  return {
    account_holder_type:
      optionalEnum(raw, 'account_holder_type', ['individual', 'company'] as const, `${label}[account_holder_type]`) ?? 'individual',
    account_type: optionalEnum(raw, 'account_type', ['checking', 'savings'] as const, `${label}[account_type]`) ?? 'checking',
    bank_name: 'STRIPE TEST BANK',
    financial_connections_account: null,
    fingerprint: fingerprint(`ach:${routingNumber}:${accountNumber}`),
    last4: accountNumber.slice(-4),
    networks: { preferred: 'ach', supported: ['ach'] },
    routing_number: routingNumber,
    status_details: null,
  };
}

/** How a debit from this account ends, and Stripe's failure code when it bounces. */
export function bankOutcome(details: Json): { outcome: BankOutcome; failureCode: string | null } {
  const last4 = String(details.last4);
  const code = Object.entries(FAILING).find(([number]) => number.endsWith(last4))?.[1];
  return code ? { outcome: 'failed', failureCode: code } : { outcome: 'succeeded', failureCode: null };
}
