import type { Context, Hono } from 'hono';
import { StripeApiError, invalidRequest } from '../core/errors';
import type { Json, StripeObject } from '../core/json';
import { systemContext, type ApiContext } from '../core/resource';
import type { Sandbox } from '../core/sandbox';
import { previousAttributes, snapshot } from '../core/updates';
import { billingNow } from '../billing/billing-time';
import { planView } from '../billing/plan-view';
import { currentPeriod, subscriptionItems } from '../billing/subscription-items';
import { cancelSubscriptionNow, emitSubscriptionUpdated } from '../billing/subscription-status';
import { createCardPaymentMethod } from '../resources/payment-methods';

// The customer portal page a billing portal session's URL opens: the customer's subscriptions
// with cancel and switch-plan buttons, and a card form. Each action changes state through the same
// code the API uses, so it produces the events Stripe's portal does.

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

function page(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Billing</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}input,button,select{font:inherit;padding:.4rem;margin:.2rem 0}.error{color:#b00}.muted{color:#666}section{border-top:1px solid #ddd;padding:.5rem 0}</style>
</head><body><p class="muted">Paybridge Stripe sandbox · test mode customer portal</p>${body}</body></html>`;
}

interface PortalSession {
  ctx: ApiContext;
  session: StripeObject;
  config: StripeObject;
  secret: string;
}

function findPortal(sandbox: Sandbox, secret: string): PortalSession | undefined {
  const id = sandbox.store.getRelated<string>(secret, 'portal_session');
  const found = id ? sandbox.store.locate('billing_portal.session', id) : undefined;
  if (!found) return undefined;
  const ctx = systemContext(sandbox, found.scope);
  const config = sandbox.store.get(found.scope, 'billing_portal.configuration', String(found.data.configuration))!;
  return { ctx, session: found.data, config, secret };
}

function feature(config: StripeObject, name: string): Json {
  return (config.features as Json)[name] as Json;
}

function liveSubscriptions(portal: PortalSession): StripeObject[] {
  return portal.ctx.sandbox.store.list(
    portal.ctx.scope,
    'subscription',
    (s) => s.customer === portal.session.customer && !['canceled', 'incomplete_expired'].includes(String(s.status)),
  );
}

/** Prices the customer may switch to: the configuration's list, else every active recurring price in the currency. */
function switchablePrices(portal: PortalSession, currency: string): StripeObject[] {
  const products = (feature(portal.config, 'subscription_update').products as Json[] | undefined) ?? [];
  const allowed = new Set(products.flatMap((p) => (p.prices as string[] | undefined) ?? []));
  return portal.ctx.sandbox.store.list(
    portal.ctx.scope,
    'price',
    (p) => p.active === true && Boolean(p.recurring) && p.currency === currency && (allowed.size === 0 || allowed.has(p.id)),
  );
}

function render(portal: PortalSession, error?: string): string {
  const base = `/billing_portal/${portal.secret}`;
  const subs = liveSubscriptions(portal)
    .map((sub) => {
      const item = subscriptionItems(sub)[0]!;
      const price = item.price as Json;
      const plan = planView(item.price as StripeObject);
      const options = switchablePrices(portal, String(sub.currency))
        .filter((p) => p.id !== price.id)
        .map(
          (p) =>
            `<option value="${escape(p.id)}">${escape(String(p.nickname ?? p.id))} · ${Number(p.unit_amount) / 100} ${escape(String(p.currency).toUpperCase())}/${escape(String((p.recurring as Json).interval))}</option>`,
        )
        .join('');
      const ending = sub.cancel_at_period_end ? '<p>Ends at the end of the current period.</p>' : '';
      const cancel =
        feature(portal.config, 'subscription_cancel').enabled && !sub.cancel_at_period_end
          ? `<form method="post" action="${base}/cancel"><input type="hidden" name="subscription" value="${escape(sub.id)}"><button>Cancel plan</button></form>`
          : '';
      const update =
        feature(portal.config, 'subscription_update').enabled && options
          ? `<form method="post" action="${base}/switch"><input type="hidden" name="subscription" value="${escape(sub.id)}"><select name="price">${options}</select><button>Switch plan</button></form>`
          : '';
      return `<section><h2>${escape(String(plan.nickname ?? price.id))}</h2><p>Status: ${escape(String(sub.status))}</p>${ending}${cancel}${update}</section>`;
    })
    .join('');
  const card = feature(portal.config, 'payment_method_update').enabled
    ? `<section><h2>Payment method</h2><form method="post" action="${base}/card"><label>Card number <input name="card" inputmode="numeric" value="4242424242424242"></label><button>Update card</button></form></section>`
    : '';
  const back = portal.session.return_url ? `<p><a href="${escape(String(portal.session.return_url))}">Return</a></p>` : '';
  return page(
    `<h1>Your subscriptions</h1>${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}${subs || '<p>No active subscriptions.</p>'}${card}${back}`,
  );
}

function ownSubscription(portal: PortalSession, id: string): StripeObject | undefined {
  return liveSubscriptions(portal).find((s) => s.id === id);
}

function cancel(portal: PortalSession, form: Record<string, unknown>): void {
  const sub = ownSubscription(portal, String(form.subscription ?? ''));
  if (!sub) throw invalidRequest('That subscription is not yours or no longer active.');
  const { ctx } = portal;
  const at = billingNow(ctx.sandbox, ctx.scope, String(sub.customer));
  if (feature(portal.config, 'subscription_cancel').mode === 'immediately') {
    cancelSubscriptionNow(ctx, sub, at, 'cancellation_requested');
    return;
  }
  const before = snapshot(sub);
  Object.assign(sub, { cancel_at_period_end: true, cancel_at: currentPeriod(sub).end, canceled_at: at });
  emitSubscriptionUpdated(ctx, sub, before);
}

function switchPlan(portal: PortalSession, form: Record<string, unknown>): void {
  const sub = ownSubscription(portal, String(form.subscription ?? ''));
  if (!sub) throw invalidRequest('That subscription is not yours or no longer active.');
  const price = switchablePrices(portal, String(sub.currency)).find((p) => p.id === String(form.price ?? ''));
  if (!price) throw invalidRequest('That plan is not available.');
  const before = snapshot(sub);
  const item = subscriptionItems(sub)[0]!;
  item.price = price;
  item.plan = planView(price);
  emitSubscriptionUpdated(portal.ctx, sub, before);
}

function updateCard(portal: PortalSession, form: Record<string, unknown>): void {
  const { ctx } = portal;
  const customer = ctx.sandbox.store.get(ctx.scope, 'customer', String(portal.session.customer))!;
  const pm = createCardPaymentMethod(ctx, String(form.card ?? ''), { email: (customer.email as string | null) ?? null }, 'card');
  pm.customer = customer.id;
  ctx.sandbox.emit(ctx.scope, 'payment_method.attached', pm);
  const before = snapshot(customer);
  customer.invoice_settings = { ...(customer.invoice_settings as Json), default_payment_method: pm.id };
  ctx.sandbox.emit(ctx.scope, 'customer.updated', customer, { previousAttributes: previousAttributes(before, customer) });
}

const ACTIONS: Record<string, (portal: PortalSession, form: Record<string, unknown>) => void> = {
  cancel,
  switch: switchPlan,
  card: updateCard,
};

export function registerPortalPages(app: Hono, sandbox: Sandbox): void {
  const notFound = (c: Context) => c.html(page('<h1>This portal link is not valid</h1>'), 404);
  app.get('/billing_portal/:secret', (c) => {
    const portal = findPortal(sandbox, c.req.param('secret'));
    return portal ? c.html(render(portal)) : notFound(c);
  });
  app.post('/billing_portal/:secret/:action', async (c) => {
    const portal = findPortal(sandbox, c.req.param('secret'));
    const action = ACTIONS[c.req.param('action')];
    if (!portal || !action) return notFound(c);
    try {
      action(portal, await c.req.parseBody());
    } catch (error) {
      if (error instanceof StripeApiError) return c.html(render(portal, error.message), 400);
      throw error;
    }
    return c.redirect(`/billing_portal/${portal.secret}`, 303);
  });
}
