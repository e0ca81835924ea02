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

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}input,button{font:inherit;padding:.5rem;width:100%;box-sizing:border-box;margin:.25rem 0}.error{color:#b00}.muted{color:#666}</style>
</head><body><p class="muted">Paybridge Stripe sandbox · test mode page</p>${body}</body></html>`;
}

function money(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

function form(action: string, session: { items: StripeObject[]; amount: number; currency: string }, error?: string): string {
  const lines = session.items.map((item) => `<li>${escape(String(item.description ?? 'Item'))} × ${String(item.quantity)}</li>`).join('');
  return `<h1>Pay ${escape(money(session.amount, session.currency))}</h1><ul>${lines}</ul>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${escape(action)}">
<label>Email <input name="email" type="email" value="customer@example.com"></label>
<label>Card number <input name="card" inputmode="numeric" autocomplete="cc-number" value="4242424242424242"></label>
<button type="submit">Pay</button></form>`;
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
          { items: sessionLineItems(sandbox, session.id), amount: Number(session.amount_total), currency: String(session.currency) },
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
    return c.html(page('Pay', form(`/pay/${link.id}`, { items, amount, currency: String(link.currency) })));
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
        `<h1>Authenticate this payment</h1><form method="post" action="/3ds/${escape(pi)}?session=${escape(session)}">
<button name="result" value="succeed">Complete authentication</button><button name="result" value="fail">Fail authentication</button></form>`,
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
