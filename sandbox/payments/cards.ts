import { createHash } from 'node:crypto';

/** What a test card does when a payment is confirmed with it. */
export type CardBehaviour = 'succeed' | 'decline' | 'require_3ds';

/** What the issuer says when it refuses: Stripe's `code` and `decline_code`. */
export interface CardDecline {
  code: 'card_declined' | 'expired_card' | 'incorrect_cvc' | 'processing_error';
  declineCode:
    | 'generic_decline'
    | 'insufficient_funds'
    | 'lost_card'
    | 'stolen_card'
    | 'expired_card'
    | 'incorrect_cvc'
    | 'processing_error'
    | 'fraudulent';
}

export interface TestCard {
  number: string;
  brand: 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'unionpay';
  funding: 'credit' | 'debit' | 'prepaid';
  behaviour: CardBehaviour;
  decline?: CardDecline;
  /**
   * 3-D Secure cards differ off-session: `setup_only` (…3155) needs it only on-session, `always`
   * (…3184, …3220) fails an off-session payment with `authentication_required`.
   */
  threeDSecure?: 'setup_only' | 'always';
  /** Saving the card (attach, SetupIntent) fails only for cards that decline outright; …0341 attaches, then fails when charged. */
  declinesOnSetup?: boolean;
  /** A dispute the cardholder opens once the charge succeeds. */
  dispute?: 'fraudulent' | 'inquiry' | 'product_not_received';
  /** Funds go straight to the available balance (…0077). */
  bypassPending?: boolean;
}

const decline = (code: CardDecline['code'], declineCode: CardDecline['declineCode']): CardDecline => ({ code, declineCode });

// Stripe's documented test cards (docs.stripe.com/testing), with the behaviour each one simulates.
const CARDS: TestCard[] = [
  { number: '4242424242424242', brand: 'visa', funding: 'credit', behaviour: 'succeed' },
  { number: '4000056655665556', brand: 'visa', funding: 'debit', behaviour: 'succeed' },
  { number: '5555555555554444', brand: 'mastercard', funding: 'credit', behaviour: 'succeed' },
  { number: '2223003122003222', brand: 'mastercard', funding: 'credit', behaviour: 'succeed' },
  { number: '5200828282828210', brand: 'mastercard', funding: 'debit', behaviour: 'succeed' },
  { number: '5105105105105100', brand: 'mastercard', funding: 'prepaid', behaviour: 'succeed' },
  { number: '378282246310005', brand: 'amex', funding: 'credit', behaviour: 'succeed' },
  { number: '371449635398431', brand: 'amex', funding: 'credit', behaviour: 'succeed' },
  { number: '6011111111111117', brand: 'discover', funding: 'credit', behaviour: 'succeed' },
  { number: '3056930009020004', brand: 'diners', funding: 'credit', behaviour: 'succeed' },
  { number: '3566002020360505', brand: 'jcb', funding: 'credit', behaviour: 'succeed' },
  { number: '6200000000000005', brand: 'unionpay', funding: 'credit', behaviour: 'succeed' },
  { number: '4000000000000077', brand: 'visa', funding: 'credit', behaviour: 'succeed', bypassPending: true },
  { number: '4000002500003155', brand: 'visa', funding: 'credit', behaviour: 'require_3ds', threeDSecure: 'setup_only' },
  { number: '4000002760003184', brand: 'visa', funding: 'credit', behaviour: 'require_3ds', threeDSecure: 'always' },
  { number: '4000000000003220', brand: 'visa', funding: 'credit', behaviour: 'require_3ds', threeDSecure: 'always' },
  {
    number: '4000000000000002',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('card_declined', 'generic_decline'),
    declinesOnSetup: true,
  },
  {
    number: '4000000000009995',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('card_declined', 'insufficient_funds'),
    declinesOnSetup: true,
  },
  {
    number: '4000000000009987',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('card_declined', 'lost_card'),
    declinesOnSetup: true,
  },
  {
    number: '4000000000009979',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('card_declined', 'stolen_card'),
    declinesOnSetup: true,
  },
  {
    number: '4000000000000069',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('expired_card', 'expired_card'),
    declinesOnSetup: true,
  },
  {
    number: '4000000000000127',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('incorrect_cvc', 'incorrect_cvc'),
    declinesOnSetup: true,
  },
  {
    number: '4000000000000119',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('processing_error', 'processing_error'),
    declinesOnSetup: true,
  },
  {
    number: '4100000000000019',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('card_declined', 'fraudulent'),
    declinesOnSetup: true,
  },
  // Attaches to a customer and sets up fine, then every charge declines.
  {
    number: '4000000000000341',
    brand: 'visa',
    funding: 'credit',
    behaviour: 'decline',
    decline: decline('card_declined', 'generic_decline'),
  },
  { number: '4000000000000259', brand: 'visa', funding: 'credit', behaviour: 'succeed', dispute: 'fraudulent' },
  { number: '4000000000001976', brand: 'visa', funding: 'credit', behaviour: 'succeed', dispute: 'inquiry' },
  { number: '4000000000002685', brand: 'visa', funding: 'credit', behaviour: 'succeed', dispute: 'product_not_received' },
];

// Stripe's test PaymentMethod and token ids share suffixes (`pm_card_visa`, `tok_visa`).
const TEST_SUFFIXES: Record<string, string> = {
  visa: '4242424242424242',
  visa_debit: '4000056655665556',
  mastercard: '5555555555554444',
  mastercard_debit: '5200828282828210',
  mastercard_prepaid: '5105105105105100',
  amex: '378282246310005',
  discover: '6011111111111117',
  diners: '3056930009020004',
  jcb: '3566002020360505',
  unionpay: '6200000000000005',
  bypassPending: '4000000000000077',
  authenticationRequiredOnSetup: '4000002500003155',
  authenticationRequired: '4000002760003184',
  threeDSecure2Required: '4000000000003220',
  chargeDeclined: '4000000000000002',
  visa_chargeDeclined: '4000000000000002',
  chargeDeclinedInsufficientFunds: '4000000000009995',
  visa_chargeDeclinedInsufficientFunds: '4000000000009995',
  chargeDeclinedLostCard: '4000000000009987',
  visa_chargeDeclinedLostCard: '4000000000009987',
  chargeDeclinedStolenCard: '4000000000009979',
  visa_chargeDeclinedStolenCard: '4000000000009979',
  chargeDeclinedExpiredCard: '4000000000000069',
  visa_chargeDeclinedExpiredCard: '4000000000000069',
  chargeDeclinedIncorrectCvc: '4000000000000127',
  visa_chargeDeclinedIncorrectCvc: '4000000000000127',
  chargeDeclinedProcessingError: '4000000000000119',
  visa_chargeDeclinedProcessingError: '4000000000000119',
  chargeDeclinedFraudulent: '4100000000000019',
  visa_chargeDeclinedFraudulent: '4100000000000019',
  radarBlock: '4100000000000019',
  chargeCustomerFail: '4000000000000341',
  visa_chargeCustomerFail: '4000000000000341',
  createDispute: '4000000000000259',
  createDisputeInquiry: '4000000000001976',
  createDisputeProductNotReceived: '4000000000002685',
};

function withPrefix(prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(TEST_SUFFIXES).map(([suffix, number]) => [`${prefix}${suffix}`, number]));
}

/** Stripe's test PaymentMethod ids, usable wherever a `pm_` id is. Any other `pm_card_…` is unknown (404). */
export const TEST_PAYMENT_METHODS: Record<string, string> = withPrefix('pm_card_');

/** Stripe's test card tokens (`tok_visa`, `tok_chargeCustomerFail`, …), usable as `source` or `card[token]`. */
export const TEST_TOKENS: Record<string, string> = withPrefix('tok_');

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

function brandOf(number: string): TestCard['brand'] {
  if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^6(011|5)/.test(number)) return 'discover';
  if (/^3(0|6|8)/.test(number)) return 'diners';
  if (/^35/.test(number)) return 'jcb';
  if (/^62/.test(number)) return 'unionpay';
  return 'visa';
}

/** The card for a number; any other Luhn-valid number behaves like 4242. Undefined = invalid. */
export function lookupCard(raw: string): TestCard | undefined {
  const number = raw.replace(/[\s-]/g, '');
  const known = CARDS.find((card) => card.number === number);
  if (known) return known;
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) return undefined;
  return { number, brand: brandOf(number), funding: 'credit', behaviour: 'succeed' };
}

const BY_FINGERPRINT = new Map(CARDS.map((card) => [fingerprint(card.number), card]));

export function cardByFingerprint(value: string): TestCard | undefined {
  return BY_FINGERPRINT.get(value);
}

/** Stripe's message for each decline, as its 402 `card_error` carries it. */
export function declineMessage(decline: CardDecline): string {
  switch (decline.declineCode) {
    case 'insufficient_funds':
      return 'Your card has insufficient funds.';
    case 'expired_card':
      return 'Your card has expired.';
    case 'incorrect_cvc':
      return "Your card's security code is incorrect.";
    case 'processing_error':
      return 'An error occurred while processing your card. Try again in a little bit.';
    default:
      return 'Your card was declined.';
  }
}
