import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import type { Tenant } from '../../store/schema';
import { layout, statusBadge, time, type Html } from '../../../web/layout';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { toSubscriptionView } from './subscription-view';
import { requireSubscription, subscriptionPayments, subscriptionTimeline } from './subscriptions-service';

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

/** Dashboard: one subscription, its payments and its timeline (the domain events it produced, with their Stripe events). */
export function subscriptionPages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.get('/dashboard/tenants/:tid/subscriptions/:sid', async (c) => {
    const { tenant, principal, csrf } = helpers.shared(c);
    const sub = await requireSubscription(ctx, tenant.id, c.req.param('sid'));
    const view = toSubscriptionView(sub);
    const [payments, timeline] = await Promise.all([subscriptionPayments(ctx, sub), subscriptionTimeline(ctx, sub)]);
    const tenantBase = `/dashboard/tenants/${tenant.id}`;
    return helpers.render(
      c,
      layout(
        { title: `Subscription ${view.id}`, principal, csrf, tenant, section: 'customers' },
        html`<h1>Subscription <code>${view.id}</code></h1>
          <dl class="card">
            <dt>Status</dt>
            <dd>${statusBadge(view.status)}${view.cancel_at_period_end ? ' — cancels at period end' : ''}</dd>
            <dt>Customer</dt>
            <dd>
              <a href="${tenantBase}/customers/${view.customer}"><code>${view.customer}</code></a>
            </dd>
            <dt>Plan</dt>
            <dd>${view.plan_id ?? '—'}</dd>
            <dt>Stripe subscription</dt>
            <dd><code>${view.stripe_subscription_id ?? 'not created yet'}</code></dd>
            <dt>Current period end</dt>
            <dd>${time(view.current_period_end, '—')}</dd>
            <dt>Trial end</dt>
            <dd>${time(view.trial_end, '—')}</dd>
            <dt>As of</dt>
            <dd>${time(view.as_of, 'no Stripe event yet')}</dd>
          </dl>
          <section aria-labelledby="pay">
            <h2 id="pay">Payments</h2>
            ${
              payments.length === 0
                ? html`<p class="empty">No invoice payments recorded.</p>`
                : html`<div class="table-wrap">
                    <table class="stack">
                      <thead>
                        <tr>
                          <th scope="col">When</th>
                          <th scope="col">Invoice</th>
                          <th scope="col">Outcome</th>
                          <th scope="col">Amount</th>
                          <th scope="col">Reason</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${payments.map(
                          (p) =>
                            html`<tr>
                              <td>${time(p.at)}</td>
                              <td><code>${p.invoice}</code></td>
                              <td>
                                ${statusBadge(p.outcome === 'paid' ? 'paid' : 'failed')}${p.outcome === 'failed' ? ` (attempt ${p.attempt})` : ''}
                              </td>
                              <td>${p.amount} ${p.currency} (minor units)</td>
                              <td>${p.billing_reason ?? '—'}${p.failure ? ` — ${p.failure}` : ''}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
            }
          </section>
          <section aria-labelledby="tl">
            <h2 id="tl">Timeline</h2>
            ${
              timeline.length === 0
                ? html`<p class="empty">Nothing yet.</p>`
                : html`<ol class="timeline">
                    ${timeline.map(
                      (entry) =>
                        html`<li>
                          ${time(entry.created_at)} —
                          <strong>${entry.type}</strong>
                          (${String((entry.snapshot as { status?: unknown }).status ?? '')})${entry.stripe_event_id ? html` from <code>${entry.stripe_event_id}</code>` : ''}
                        </li>`,
                    )}
                  </ol>`
            }
          </section>`,
      ),
    );
  });
  return app;
}
