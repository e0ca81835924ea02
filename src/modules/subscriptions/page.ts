import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import type { Tenant } from '../../store/schema';
import { layout, statusBadge, time, type Html } from '../../../web/layout';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { listFilterForm, readListFilters } from '../../../web/list-filters';
import { resultSummary, twoWayPage, twoWayPager } from '../../../web/list-query';
import { toSubscriptionView } from './subscription-view';
import { requireSubscription, searchSubscriptionPage, subscriptionPayments, subscriptionTimeline } from './subscriptions-service';

const PAGE_SIZE = 50;

/** Stripe's subscription statuses (Paybridge's own rows start as `incomplete`), for the list's status filter. */
export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'unpaid',
  'paused',
  'canceled',
] as const;

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

/**
 * Dashboard: the tenant's subscriptions (search by id, customer or email; status; dates; totals and
 * pages), and one subscription with its payments and its timeline (the domain events it produced,
 * with their Stripe events).
 */
export function subscriptionPages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.get('/dashboard/tenants/:tid/subscriptions', async (c) => {
    const common = helpers.shared(c);
    const tenantBase = `/dashboard/tenants/${common.tenant.id}`;
    const base = `${tenantBase}/subscriptions`;
    const filters = readListFilters((name) => c.req.query(name), SUBSCRIPTION_STATUSES, 'an id, an external id or an email');
    const { position } = filters;
    const { rows, total } = await searchSubscriptionPage(
      ctx,
      { tenantId: common.tenant.id, status: filters.status, q: filters.q, createdFrom: filters.start, createdBefore: filters.end },
      { limit: PAGE_SIZE + 1, before: position.older, after: position.newer },
    );
    const page = twoWayPage(rows, PAGE_SIZE, position.newer ? 'newer' : 'older', position.paged, (row) => ({
      at: new Date(row.created_at),
      id: row.id,
    }));
    return helpers.render(
      c,
      layout(
        {
          title: `Subscriptions · ${common.tenant.name}`,
          ...common,
          section: 'subscriptions',
          notice: filters.error ? { kind: 'error', text: filters.error } : undefined,
        },
        html`<h1>Subscriptions</h1>
          ${listFilterForm({
            action: base,
            label: 'Filter subscriptions',
            idPrefix: 's',
            search: {
              placeholder: 'sub_…, CUST-7, ada@example.com',
              hint: "The subscription's id or Stripe id, the customer's id or external id, or the customer's email.",
            },
            statuses: SUBSCRIPTION_STATUSES,
            dateLabel: 'Created',
            filters,
          })}
          <section aria-labelledby="subs-heading">
            <h2 id="subs-heading">${filters.filtered ? 'Matching subscriptions' : 'All subscriptions'}</h2>
            ${resultSummary({ ...total, noun: ['subscription', 'subscriptions'], filtered: filters.filtered, clearHref: base })}
            ${
              page.rows.length === 0
                ? html`<p class="empty">
                    ${filters.filtered ? 'No subscription matches these filters.' : 'No subscriptions yet; customers start them through Checkout.'}
                  </p>`
                : html`<div class="table-wrap">
                    <table class="stack">
                      <caption class="sr-only">
                        Subscriptions, newest first
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Subscription</th>
                          <th scope="col">Customer</th>
                          <th scope="col">Plan</th>
                          <th scope="col">Status</th>
                          <th scope="col">Period ends</th>
                          <th scope="col">Created</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${page.rows.map(
                          (sub) =>
                            html`<tr>
                              <td data-label="Subscription">
                                <a href="${base}/${sub.id}"><code>${sub.id}</code></a>
                              </td>
                              <td data-label="Customer">
                                <a href="${tenantBase}/customers/${sub.customer_id}">${sub.customer_email ?? sub.customer_id}</a>
                              </td>
                              <td data-label="Plan">${sub.plan_id ?? '—'}</td>
                              <td data-label="Status">
                                ${statusBadge(sub.status)}${sub.cancel_at_period_end ? ' (cancels at period end)' : ''}
                              </td>
                              <td data-label="Period ends">${time(sub.current_period_end, '—')}</td>
                              <td data-label="Created">${time(sub.created_at)}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
            }
            ${twoWayPager(base, filters.params, page)}
          </section>`,
      ),
    );
  });
  app.get('/dashboard/tenants/:tid/subscriptions/:sid', async (c) => {
    const { tenant, principal, csrf } = helpers.shared(c);
    const sub = await requireSubscription(ctx, tenant.id, c.req.param('sid'));
    const view = toSubscriptionView(sub);
    const [payments, timeline] = await Promise.all([subscriptionPayments(ctx, sub), subscriptionTimeline(ctx, sub)]);
    const tenantBase = `/dashboard/tenants/${tenant.id}`;
    return helpers.render(
      c,
      layout(
        { title: `Subscription ${view.id}`, principal, csrf, tenant, section: 'subscriptions' },
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
