import { randomBytes } from 'node:crypto';
import { signStripePayload } from '../../src/webhooks/signature';
import type { Delivery } from './load';

const run = randomBytes(4).toString('hex');
let sequence = 0;

/** A fresh Stripe-looking event id, unique across runs. */
export function freshEventId(): string {
  sequence += 1;
  return `evt_1B${run}${sequence.toString(36).padStart(10, '0')}`;
}

export function envelope(id: string, type: string, object: unknown, created: number, previous?: Record<string, unknown>): string {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: '2025-10-29.clover',
    created,
    data: previous ? { object, previous_attributes: previous } : { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

export function signed(id: string, body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): Delivery {
  return {
    id,
    body,
    headers: {
      'content-type': 'application/json',
      'stripe-signature': signStripePayload(body, [secret], timestamp),
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    },
  };
}

/**
 * `checkout.session.completed` deliveries of about 3 KB (the size of a real one), each with a fresh
 * event id; the session ids cycle through `sessions` ids the sandbox knows (the peer re-fetches
 * line items for them).
 */
export function checkoutFeed(options: {
  template: Record<string, unknown>;
  secret: string;
  sessionPrefix: string;
  sessions: number;
  targetBytes?: number;
}) {
  let n = 0;
  const target = options.targetBytes ?? 3_000;
  // The body is serialised once with placeholders and then only spliced: the load generator shares
  // the machine, so each delivery should cost it an HMAC and a concatenation, not a JSON.stringify.
  const ID = '@@EVENT_ID@@';
  const SESSION = '@@SESSION_ID@@';
  const CREATED = 1_999_999_999;
  const build = (metadata: unknown) => envelope(ID, 'checkout.session.completed', { ...options.template, id: SESSION, metadata }, CREATED);
  const base = options.template.metadata as Record<string, string>;
  const padding = Math.max(0, target - build(base).length - 40);
  const parts = build({ ...base, note: 'x'.repeat(padding) }).split(/@@EVENT_ID@@|@@SESSION_ID@@|1999999999/);
  if (parts.length !== 4) throw new Error(`unexpected template split into ${parts.length} parts`);
  const [head, afterId, afterCreated, tail] = parts as [string, string, string, string];
  // Order in the envelope: id, then created, then data.object.id.
  return (): Delivery => {
    const id = freshEventId();
    const session = `${options.sessionPrefix}${String(n++ % Math.max(1, options.sessions)).padStart(8, '0')}`;
    const body = `${head}${id}${afterId}${Math.floor(Date.now() / 1000)}${afterCreated}${session}${tail}`;
    return signed(id, body, options.secret);
  };
}

/** A `customer.created` then `customer.updated` stream (about 1 KB each), every event fresh. */
export function customerFeed(options: { secret: string }) {
  let n = 0;
  return (): Delivery => {
    const id = freshEventId();
    const index = n++;
    const customerId = `cus_B1${run}${Math.floor(index / 2)
      .toString(36)
      .padStart(8, '0')}`;
    const created = Math.floor(Date.now() / 1000);
    const customer = customerObject(customerId, created, index % 2 === 0 ? 'Ada Lovelace' : 'Ada King');
    const body =
      index % 2 === 0
        ? envelope(id, 'customer.created', customer, created)
        : envelope(id, 'customer.updated', customer, created, { name: 'Ada Lovelace' });
    return signed(id, body, options.secret);
  };
}

export function customerObject(id: string, created: number, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    object: 'customer',
    address: { city: 'London', country: 'GB', line1: '12 St James Square', line2: null, postal_code: 'SW1Y 4JH', state: null },
    balance: 0,
    created,
    currency: 'gbp',
    default_source: null,
    delinquent: false,
    description: 'Bench customer',
    discount: null,
    email: 'ada@example.com',
    invoice_prefix: 'B1A2C3D4',
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: { platform_user: 'u_123' },
    name,
    phone: '+442071234567',
    preferred_locales: ['en'],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
    ...extra,
  };
}
