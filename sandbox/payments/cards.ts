import { createHash } from 'node:crypto';

/** What a test card does when a payment is confirmed with it. */
export type CardBehaviour = 'succeed' | 'decline' | 'require_3ds';

export interface TestCard {
  number: string;
  brand: 'visa' | 'mastercard' | 'amex';
  funding: 'credit' | 'debit';
  behaviour: CardBehaviour;
  declineCode?: 'generic_decline' | 'insufficient_funds';
}

// Stripe's documented test cards (docs.stripe.com/testing) that Paybridge's flows rely on.
const CARDS: TestCard[] = [
  { number: '4242424242424242', brand: 'visa', funding: 'credit', behaviour: 'succeed' },
  { number: '4000056655665556', brand: 'visa', funding: 'debit', behaviour: 'succeed' },
  { number: '5555555555554444', brand: 'mastercard', funding: 'credit', behaviour: 'succeed' },
  { number: '378282246310005', brand: 'amex', funding: 'credit', behaviour: 'succeed' },
  { number: '4000002500003155', brand: 'visa', funding: 'credit', behaviour: 'require_3ds' },
  { number: '4000002760003184', brand: 'visa', funding: 'credit', behaviour: 'require_3ds' },
  { number: '4000000000000002', brand: 'visa', funding: 'credit', behaviour: 'decline', declineCode: 'generic_decline' },
  { number: '4000000000009995', brand: 'visa', funding: 'credit', behaviour: 'decline', declineCode: 'insufficient_funds' },
];

/** Stripe's test PaymentMethod ids, usable wherever a `pm_` id is. */
export const TEST_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_threeDSecure2Required: '4000002500003155',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_visa_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
};

function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * A card's fingerprint, deterministic per number as Stripe's is. The sandbox finds a payment
 * method's behaviour from it, so no hidden field rides on the public object.
 */
export function fingerprint(number: string): string {
  return createHash('sha256').update(number).digest('base64url').replace(/[-_]/g, '').slice(0, 16);
}

/** The card for a number; any other Luhn-valid number behaves like 4242. Undefined = invalid. */
export function lookupCard(raw: string): TestCard | undefined {
  const number = raw.replace(/[\s-]/g, '');
  const known = CARDS.find((card) => card.number === number);
  if (known) return known;
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) return undefined;
  return {
    number,
    brand: number.startsWith('5') ? 'mastercard' : number.startsWith('3') ? 'amex' : 'visa',
    funding: 'credit',
    behaviour: 'succeed',
  };
}

const BY_FINGERPRINT = new Map(CARDS.map((card) => [fingerprint(card.number), card]));

export function cardByFingerprint(value: string): TestCard | undefined {
  return BY_FINGERPRINT.get(value);
}
