import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random base62 text, as Stripe's ids and keys use. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length];
  return out;
}

/**
 * A Stripe-looking id: `newId('cus')` → "cus_Q1w2E3r4T5y6U7". Checkout sessions carry the mode
 * in the prefix (`cs_test_`, `cs_live_`), which callers pass whole.
 */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomToken(length)}`;
}
