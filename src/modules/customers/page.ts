import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import type { Tenant } from '../../store/schema';
import { layout, statusBadge, time, type Html } from '../../../web/layout';
import { listFilterForm, readListFilters } from '../../../web/list-filters';
import { resultSummary, twoWayPage, twoWayPager } from '../../../web/list-query';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { entitlementHistory, listActiveEntitlements } from '../entitlements/entitlements-service';
import { customerCheckouts } from '../checkout/checkout-service';
import { listSubscriptions } from '../subscriptions/subscriptions-service';
import { resolveCustomer, searchCustomerPage, viewCustomer } from './customers-service';

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

const PAGE_SIZE = 50;

/** Dashboard: a tenant's customers (search by email or external id) and one customer's subscriptions, entitlements and history. */
export function customerPages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const base = '/dashboard/tenants/:tid/customers';

  app.get(base, async (c) => {
    const { tenant, principal, csrf } = helpers.shared(c);
    const filters = readListFilters((name) => c.req.query(name), [], 'an id, an external id or the start of an email');
    const { position } = filters;
    const { rows, total } = await searchCustomerPage(
      ctx,
      { tenantId: tenant.id, q: filters.q, createdFrom: filters.start, createdBefore: filters.end },
      { limit: PAGE_SIZE + 1, before: position.older, after: position.newer },
    );
    const page = twoWayPage(rows, PAGE_SIZE, position.newer ? 'newer' : 'older', position.paged, (row) => ({
      at: new Date(row.created_at),
      id: row.id,
    }));
    const path = `/dashboard/tenants/${tenant.id}/customers`;
    return helpers.render(
      c,
      layout(
        {
          title: `Customers · ${tenant.name}`,
          principal,
          csrf,
          tenant,
          section: 'customers',
          notice: filters.error ? { kind: 'error', text: filters.error } : undefined,
        },
        html`<h1>Customers</h1>
          ${listFilterForm({
            action: path,
            label: 'Filter customers',
            idPrefix: 'c',
            search: { placeholder: 'CUST-7, ada@', hint: "The customer's id or external id, or the start of its email." },
            statuses: [],
            dateLabel: 'Created',
            filters,
          })}
          <section aria-labelledby="customers-heading">
            <h2 id="customers-heading">${filters.filtered ? 'Matching customers' : 'All customers'}</h2>
            ${resultSummary({ ...total, noun: ['customer', 'customers'], filtered: filters.filtered, clearHref: path })}
            ${
              page.rows.length === 0
                ? html`<p class="empty">
                    ${filters.filtered ? 'No customer matches these filters.' : 'No customers yet; your platform creates them through the API.'}
                  </p>`
                : html`<div class="table-wrap">
                    <table class="stack">
                      <caption class="sr-only">
                        Customers, newest first
                      </caption>
                      <thead>
                        <tr>
                          <th scope="col">Customer</th>
                          <th scope="col">Email</th>
                          <th scope="col">External id</th>
                          <th scope="col">Created</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${page.rows.map(
                          (row) =>
                            html`<tr>
                              <td data-label="Customer">
                                <a href="${path}/${row.id}"><code>${row.id}</code></a>
                              </td>
                              <td data-label="Email">${row.email}</td>
                              <td data-label="External id">${row.external_id ?? '—'}</td>
                              <td data-label="Created">${time(row.created_at)}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
            }
            ${twoWayPager(path, filters.params, page)}
          </section>`,
      ),
    );
  });

  app.get(`${base}/:cid`, async (c) => {
    const { tenant, principal, csrf } = helpers.shared(c);
    const customer = await resolveCustomer(ctx.store.db, tenant.id, c.req.param('cid'));
    const [view, subscriptions, entitlements, history, checkouts] = await Promise.all([
      viewCustomer(ctx.store.db, customer),
      listSubscriptions(ctx, { tenantId: tenant.id, customerId: customer.id }, { limit: 100 }),
      listActiveEntitlements(ctx.store.db, customer.id, ctx.now()),
      entitlementHistory(ctx.store.db, customer.id),
      customerCheckouts(ctx, customer.id),
    ]);
    const tenantBase = `/dashboard/tenants/${tenant.id}`;
    return helpers.render(
      c,
      layout(
        { title: `${view.email} · Customers`, principal, csrf, tenant, section: 'customers' },
        html`<h1>${view.name || view.email}</h1>
          <dl class="card">
            <dt>Id</dt>
            <dd><code>${view.id}</code></dd>
            <dt>Email</dt>
            <dd>${view.email}</dd>
            <dt>External id</dt>
            <dd>${view.external_id ?? '—'}</dd>
            <dt>Stripe customers</dt>
            <dd>
              ${view.stripe_customers.length === 0 ? 'none yet' : view.stripe_customers.map((l) => html`<code>${l.stripe_customer_id}</code> on <code>${l.connection_id}</code> `)}
            </dd>
          </dl>
          <section aria-labelledby="subs">
            <h2 id="subs">Subscriptions</h2>
            ${
              subscriptions.length === 0
                ? html`<p class="empty">No subscriptions.</p>`
                : html`<div class="table-wrap">
                    <table class="stack">
                      <thead>
                        <tr>
                          <th scope="col">Subscription</th>
                          <th scope="col">Status</th>
                          <th scope="col">Plan</th>
                          <th scope="col">Period end</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${subscriptions.map(
                          (s) =>
                            html`<tr>
                              <td>
                                <a href="${tenantBase}/subscriptions/${s.id}"><code>${s.id}</code></a>
                              </td>
                              <td>${statusBadge(s.status)}${s.cancel_at_period_end ? ' (cancels at period end)' : ''}</td>
                              <td>${s.plan_id ?? '—'}</td>
                              <td>${time(s.current_period_end, '—')}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
            }
          </section>
          <section aria-labelledby="ents">
            <h2 id="ents">Entitlements now</h2>
            ${
              entitlements.length === 0
                ? html`<p class="empty">Nothing granted.</p>`
                : html`<div class="table-wrap">
                    <table class="stack">
                      <thead>
                        <tr>
                          <th scope="col">Key</th>
                          <th scope="col">Value</th>
                          <th scope="col">Status</th>
                          <th scope="col">Source</th>
                          <th scope="col">Until</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${entitlements.map(
                          (e) =>
                            html`<tr>
                              <td><code>${e.key}</code></td>
                              <td>${String(e.value)}</td>
                              <td>${statusBadge(e.status)}</td>
                              <td>${e.source.type} <code>${e.source.id}</code></td>
                              <td>${time(e.active_until, 'no set end')}</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
            }
          </section>
          <section aria-labelledby="hist">
            <h2 id="hist">Entitlement history</h2>
            ${
              history.length === 0
                ? html`<p class="empty">No grants or revokes yet.</p>`
                : html`<ol class="timeline">
                    ${history.map((h) => html`<li>${time(h.at)} — <strong>${h.change}</strong> <code>${h.key}</code>: ${h.reason}</li>`)}
                  </ol>`
            }
          </section>
          <section aria-labelledby="chk">
            <h2 id="chk">Checkout sessions</h2>
            ${
              checkouts.length === 0
                ? html`<p class="empty">None.</p>`
                : html`<ul>
                    ${checkouts.map((k) => html`<li><code>${k.id}</code> ${k.plan_id ? `plan ${k.plan_id}` : `package ${k.package_id ?? ''}`} × ${k.quantity} — ${statusBadge(k.status)} ${time(k.created_at)}</li>`)}
                  </ul>`
            }
            <p class="muted">Credits and their ledger: see the credits API for this customer.</p>
          </section>`,
      ),
    );
  });
  return app;
}
