import { startSandbox } from '../../sandbox/index';
import type { StripeObject } from '../../sandbox/core/json';

/**
 * The Stripe stand-in in its own process (so it never competes with the load generator's event
 * loop), with one account, a product and price, and BENCH_SESSIONS completed checkout sessions
 * whose line items the peer fetches when it handles `checkout.session.completed`.
 */
const sessions = Number(process.env.BENCH_SESSIONS ?? 0);
const sb = await startSandbox({ port: 0, retryBaseMs: 50, maxDeliveryAttempts: 3, deliveryTimeoutMs: 10_000 });
const account = await sb.createAccount({ business_name: 'Bench Co' });
const stripe = sb.stripe(account.secret_key);
const product = await stripe.products.create({ name: 'Annual membership' });
const price = await stripe.prices.create({ product: product.id, unit_amount: 4900, currency: 'eur' });
const created = await stripe.checkout.sessions.create({
  mode: 'payment',
  line_items: [{ price: price.id, quantity: 2 }],
  success_url: 'https://platform.example/success?session={CHECKOUT_SESSION_ID}',
  cancel_url: 'https://platform.example/cancel',
  customer_email: 'member@example.com',
  metadata: { order_id: 'ord_000000', plan: 'annual', tenant_ref: 'bench' },
});
const template = { ...(created as unknown as StripeObject), status: 'complete', payment_status: 'paid', url: null } as StripeObject;
const scope = { account: account.id, livemode: false };
const lineItems = sb.sandbox.store.getRelated<StripeObject[]>(created.id, 'line_items') ?? [];
const prefix = 'cs_test_b1';
for (let i = 0; i < sessions; i++) {
  const id = `${prefix}${String(i).padStart(8, '0')}`;
  sb.sandbox.store.insert(scope, { ...template, id });
  sb.sandbox.store.setRelated(
    id,
    'line_items',
    lineItems.map((item) => ({ ...item, id: `li_b1${String(i).padStart(8, '0')}` })),
  );
}
process.stdout.write(`BENCH_READY ${JSON.stringify({ url: sb.url, account, template, sessionPrefix: prefix, sessions })}\n`);
process.once('SIGTERM', () => void sb.close().then(() => process.exit(0)));
