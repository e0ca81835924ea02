import { randomBytes } from 'node:crypto';

const prefixes = {
  tenant: 'ten',
  connection: 'conn',
  apiKey: 'key',
  signingSecret: 'whs',
  event: 'ev',
  attempt: 'att',
  stripeObject: 'obj',
  customer: 'cust',
  invoice: 'inv',
  invoiceLine: 'invl',
  payment: 'pay',
  mail: 'mail',
  timeline: 'tl',
  rejection: 'rej',
} as const;

export type IdKind = keyof typeof prefixes;

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Prefixed, unguessable ids (`ten_…`, `conn_…`) that read well next to Stripe's `cus_…`, `pi_…`.
 * 20 base62 characters carry ~119 bits, so a connection id can safely sit in a public webhook URL.
 */
export function newId(kind: IdKind): string {
  const bytes = randomBytes(20);
  let body = '';
  for (const byte of bytes) body += alphabet[byte % 62];
  return `${prefixes[kind]}_${body}`;
}
