import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import type { Tenant } from '../../store/schema';
import { layout, pager, statusBadge, time, type Html } from '../../../web/layout';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { entitlementHistory, listActiveEntitlements } from '../entitlements/entitlements-service';
import { customerCheckouts } from '../checkout/checkout-service';
import { listSubscriptions } from '../subscriptions/subscriptions-service';
import { listCustomers, resolveCustomer, viewCustomer } from './customers-service';

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
    const search = c.req.query('q')?.trim().slice(0, 254) || undefined;
    const cursor = readCursor(c.req.query('cursor'));
    const rows = await listCustomers(ctx.store.db, tenant.id, {
      search,
      limit: PAGE_SIZE + 1,
      before: cursor && { createdAt: cursor.at, id: cursor.id },
    });
    const page = pageOf(rows, PAGE_SIZE, (row) => ({ at: new Date(row.created_at), id: row.id }));
    const path = `/dashboard/tenants/${tenant.id}/customers`;
    return helpers.render(
      c,
      layout(
        { title: `Customers · ${tenant.name}`, principal, csrf, tenant, section: 'customers' },
        html`<h1>Customers</h1>
          <form method="get" action="${path}" class="card filters" role="search" aria-label="Search customers">
            <div class="field">
              <label for="c-q">Email (start) or external id</label>
              <input id="c-q" name="q" value="${search ?? ''}" />
            </div>
            <button type="submit">Search</button>
          </form>
          ${
            page.rows.length === 0
              ? html`<p class="empty">
                  No customers${search ? ' match this search' : ' yet; your platform creates them through the API'}.
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
                            <td>
                              <a href="${path}/${row.id}"><code>${row.id}</code></a>
                            </td>
                            <td>${row.email}</td>
                            <td>${row.external_id ?? '—'}</td>
                            <td>${time(row.created_at)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>
                </div>`
          }
          ${pager(path, { q: search }, page.nextCursor, !cursor)}`,
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
