import type { Context, Hono } from 'hono';
import { StripeApiError } from '../core/errors';
import type { StripeObject } from '../core/json';
import type { Scope } from '../core/store';
import { systemContext } from '../core/resource';
import type { Sandbox } from '../core/sandbox';
import { completeThreeDSecure } from '../payments/payment-engine';
import { completeSetupThreeDSecure } from '../payments/setup-engine';
import { paySession, sessionFromLink } from '../payments/pay-session';
import { sessionLineItems } from '../resources/checkout-sessions';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const STYLE = `
:root{--ink:#1a1f36;--muted:#5c6478;--line:#e3e8ee;--accent:#635bff;--bad:#c0123c;--bg:#f6f9fc}
*{box-sizing:border-box}body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:var(--bg);margin:0}
main{max-width:30rem;margin:2rem auto;padding:0 1rem}.sheet{background:#fff;border:1px solid var(--line);border-radius:10px;padding:1.25rem 1.25rem 1rem;box-shadow:0 2px 6px rgba(0,0,0,.04)}
.test{display:inline-block;background:#ffde92;color:#6b4a00;font-size:.8rem;font-weight:600;border-radius:4px;padding:.1rem .45rem;margin:0 0 .75rem}
h1{font-size:1.6rem;margin:.25rem 0 1rem}h2{font-size:1rem;margin:1.25rem 0 .5rem}
ul.items{list-style:none;padding:0;margin:0 0 1rem;border-top:1px solid var(--line)}ul.items li{display:flex;justify-content:space-between;gap:1rem;padding:.4rem 0;border-bottom:1px solid var(--line)}
label{display:block;font-weight:600;font-size:.9rem;margin:.75rem 0 .25rem}input{font:inherit;width:100%;padding:.6rem .7rem;border:1px solid #c4cbd6;border-radius:6px}
input:focus,button:focus{outline:3px solid #a5a0ff;outline-offset:1px}
button{font:inherit;font-weight:600;width:100%;margin:1rem 0 .25rem;padding:.7rem;border:0;border-radius:6px;background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--ink);border:1px solid #c4cbd6;margin-top:.25rem}
.error{color:var(--bad);font-weight:600}.muted{color:var(--muted);font-size:.9rem}
table{width:100%;border-collapse:collapse;font-size:.9rem}th,td{text-align:left;padding:.35rem .25rem;border-bottom:1px solid var(--line)}code{font-size:.9em;word-break:break-all}td code{white-space:nowrap;word-break:normal}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style>
</head><body><main><div class="sheet"><p class="test">Test mode · Paybridge Stripe sandbox</p>${body}</div></main></body></html>`;
}

/** Minor units in the currency's own digits (JPY 500 → "500", KWD 5120 → "5.120"), exactly: string arithmetic, no floats. */
function money(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // An unknown code keeps two decimals.
  }
  const text = String(Math.abs(amount)).padStart(digits + 1, '0');
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return `${amount < 0 ? '-' : ''}${major} ${code}`;
}

/** The test cards the page offers (Stripe's documented numbers; test/…/hosted-page test checks each against cards.ts). */
export const HOSTED_PAGE_CARDS: { number: string; outcome: string }[] = [
  { number: '4242424242424242', outcome: 'Succeeds' },
  { number: '4000002500003155', outcome: 'Asks for 3-D Secure, then succeeds' },
  { number: '4000000000000002', outcome: 'Declined (generic decline)' },
  { number: '4000000000009995', outcome: 'Declined (insufficient funds)' },
  { number: '4000000000000259', outcome: 'Succeeds, then disputed as fraudulent' },
  { number: '4000000000001976', outcome: 'Succeeds, then an inquiry is opened' },
];

function groups(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
}

function form(
  action: string,
  session: { items: StripeObject[]; amount: number; currency: string; email?: string | null },
  error?: string,
): string {
  const lines = session.items
    .map(
      (item) =>
        `<li><span>${escape(String(item.description ?? 'Item'))} × ${String(item.quantity)}</span><span>${escape(money(Number(item.amount_total ?? 0), session.currency))}</span></li>`,
    )
    .join('');
  const cards = HOSTED_PAGE_CARDS.map(
    (card) => `<tr><td><code>${groups(card.number)}</code></td><td>${escape(card.outcome)}</td></tr>`,
  ).join('');
  const options = HOSTED_PAGE_CARDS.map((card) => `<option value="${card.number}">${escape(card.outcome)}</option>`).join('');
  return `<h1>Pay ${escape(money(session.amount, session.currency))}</h1><ul class="items">${lines}</ul>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${escape(action)}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="email" value="${escape(session.email ?? '')}" placeholder="customer@example.com">
<label for="card">Card number</label><input id="card" name="card" inputmode="numeric" autocomplete="cc-number" list="test-cards" value="4242424242424242" aria-describedby="cards-heading">
<datalist id="test-cards">${options}</datalist>
<button type="submit">Pay</button></form>
<h2 id="cards-heading">Test cards</h2><p class="muted">No real card is charged here. Any future expiry date and any CVC work.</p>
<table><thead><tr><th scope="col">Card number</th><th scope="col">What happens</th></tr></thead><tbody>${cards}</tbody></table>`;
}

function successTarget(session: StripeObject): string | null {
  const url = session.success_url as string | null;
  return url ? url.replace('{CHECKOUT_SESSION_ID}', session.id) : null;
}

/** Where the customer lands after paying: the success URL, or a confirmation page. */
function finished(c: Context, session: StripeObject): Response {
  const target = successTarget(session);
  if (target) return c.redirect(target, 303);
  return c.html(
    page(
      'Payment complete',
      `<h1>Thanks for your payment</h1><p>Session <code>${escape(session.id)}</code> is ${escape(String(session.payment_status))}.</p>`,
    ),
  );
}

/** Submits the form: pay, then redirect, ask for 3-D Secure, or show the decline. */
async function submit(c: Context, sandbox: Sandbox, session: StripeObject, scope: Scope, action: string): Promise<Response> {
  const formData = await c.req.parseBody();
  const card = String(formData.card ?? '');
  const email = String(formData.email ?? '') || null;
  const ctx = systemContext(sandbox, scope);
  try {
    const outcome = paySession(ctx, session, { card, email });
    if (outcome === 'requires_action') return c.redirect(`/3ds/${String(session.payment_intent)}?session=${session.id}`, 303);
    return finished(c, session);
  } catch (error) {
    if (!(error instanceof StripeApiError)) throw error;
    return c.html(
      page(
        'Payment failed',
        form(
          action,
          {
            items: sessionLineItems(sandbox, session.id),
            amount: Number(session.amount_total),
            currency: String(session.currency),
            email: email ?? (session.customer_email as string | null) ?? null,
          },
          error.message,
        ),
      ),
      402,
    );
  }
}

/** `GET /pay/:link`, `GET /checkout/:session` and the 3-D Secure challenge, without external assets. */
export function registerHostedPages(app: Hono, sandbox: Sandbox): void {
  const notFound = (c: Context) => c.html(page('Not found', '<h1>This page does not exist</h1>'), 404);

  app.get('/pay/:id', (c) => {
    const found = sandbox.store.locate('payment_link', c.req.param('id'));
    if (!found) return notFound(c);
    const link = found.data;
    if (!link.active)
      return c.html(page('Link inactive', `<h1>${escape(String(link.inactive_message ?? 'This link is no longer active.'))}</h1>`), 410);
    const items = sessionLineItems(sandbox, link.id);
    const amount = items.reduce((sum, item) => sum + Number(item.amount_total), 0);
    // Stripe's payment links take ?prefilled_email=; Paybridge's mail adds it with the invoice customer's address.
    const email = c.req.query('prefilled_email') ?? null;
    return c.html(page('Pay', form(`/pay/${link.id}`, { items, amount, currency: String(link.currency), email })));
  });

  app.post('/pay/:id', async (c) => {
    const found = sandbox.store.locate('payment_link', c.req.param('id'));
    if (!found) return notFound(c);
    const ctx = systemContext(sandbox, found.scope);
    let session: StripeObject;
    try {
      session = sessionFromLink(ctx, found.data);
    } catch (error) {
      if (error instanceof StripeApiError) return c.html(page('Link inactive', `<h1>${escape(error.message)}</h1>`), 410);
      throw error;
    }
    // Once a session exists, retries after a decline continue on its own page.
    return submit(c, sandbox, session, found.scope, `/checkout/${session.id}`);
  });

  app.get('/checkout/:id', (c) => {
    const found = sandbox.store.locate('checkout.session', c.req.param('id'));
    if (!found) return notFound(c);
    const session = found.data;
    if (session.status !== 'open')
      return c.html(page('Session closed', `<h1>This checkout session is ${escape(String(session.status))}.</h1>`), 410);
    return c.html(
      page(
        'Checkout',
        form(`/checkout/${session.id}`, {
          items: sessionLineItems(sandbox, session.id),
          amount: Number(session.amount_total),
          currency: String(session.currency),
          email: (session.customer_email as string | null) ?? null,
        }),
      ),
    );
  });

  app.post('/checkout/:id', async (c) => {
    const found = sandbox.store.locate('checkout.session', c.req.param('id'));
    if (!found) return notFound(c);
    return submit(c, sandbox, found.data, found.scope, `/checkout/${found.data.id}`);
  });

  app.get('/3ds/:pi', (c) => {
    const pi = c.req.param('pi');
    const session = c.req.query('session') ?? '';
    return c.html(
      page(
        '3-D Secure',
        `<h1>Authenticate this payment</h1><p class="muted">Your bank asks you to confirm this payment (3-D Secure test).</p><form method="post" action="/3ds/${escape(pi)}?session=${escape(session)}">
<button name="result" value="succeed">Complete authentication</button><button name="result" value="fail" class="secondary">Fail authentication</button></form>`,
      ),
    );
  });

  app.post('/3ds/:pi', async (c) => {
    // The same challenge page serves PaymentIntents and SetupIntents (`/3ds/seti_…`).
    const id = c.req.param('pi');
    const found = sandbox.store.locate('payment_intent', id) ?? sandbox.store.locate('setup_intent', id);
    if (!found) return notFound(c);
    const result = String((await c.req.parseBody()).result ?? 'succeed');
    const ctx = systemContext(sandbox, found.scope);
    const outcome = result === 'fail' ? 'fail' : 'succeed';
    try {
      if (found.data.object === 'setup_intent') completeSetupThreeDSecure(ctx, found.data, outcome);
      else completeThreeDSecure(ctx, found.data, outcome);
    } catch (error) {
      if (error instanceof StripeApiError) return c.html(page('3-D Secure', `<p class="error">${escape(error.message)}</p>`), 400);
      throw error;
    }
    const sessionId = c.req.query('session');
    const session = sessionId ? sandbox.store.locate('checkout.session', sessionId)?.data : undefined;
    if (session && session.status === 'complete') return finished(c, session);
    if (session) return c.redirect(`/checkout/${session.id}`, 303);
    return c.html(page('3-D Secure', `<h1>Authentication ${result === 'fail' ? 'failed' : 'complete'}</h1>`));
  });
}
