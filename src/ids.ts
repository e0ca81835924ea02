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
  job: 'job',
  domainEvent: 'dev',
  creditGrant: 'cgr',
  creditDebit: 'cdb',
  creditHold: 'chd',
  creditAllocation: 'cal',
  creditEntry: 'cle',
  plan: 'plan',
  package: 'pkg',
  checkout: 'chk',
  subscription: 'psub',
  subscriptionPayment: 'spay',
  entitlementChange: 'enth',
  paymentRequest: 'preq',
  catalogImport: 'cimp',
  refund: 'rfd',
  webhookEndpoint: 'wep',
  webhookSecret: 'wes',
  webhookDelivery: 'wdl',
  webhookAttempt: 'wda',
  webhookMessage: 'msg',
} as const;

export type IdKind = keyof typeof prefixes;

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

// Random bytes are drawn 4 KB at a time: one call into the CSPRNG per ~200 ids instead of one per
// id (ingest mints one per event, and that call showed up in its profile). Each byte is used once.
const pool = { bytes: Buffer.alloc(0), offset: 0 };

function nextRandomByte(): number {
  if (pool.offset >= pool.bytes.length) {
    pool.bytes = randomBytes(4096);
    pool.offset = 0;
  }
  return pool.bytes[pool.offset++]!;
}

/**
 * Prefixed, unguessable ids (`ten_…`, `conn_…`) that read well next to Stripe's `cus_…`, `pi_…`.
 * 20 base62 characters carry ~119 bits, so a connection id can safely sit in a public webhook URL.
 */
export function newId(kind: IdKind): string {
  let body = '';
  while (body.length < 20) {
    const byte = nextRandomByte();
    // 248 = 4 × 62: dropping the 8 larger byte values keeps every character equally likely.
    if (byte < 248) body += alphabet[byte % 62];
  }
  return `${prefixes[kind]}_${body}`;
}
