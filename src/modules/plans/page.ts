import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import { listPackages, listPlans } from './plans-service';
import type { Tenant } from '../../store/schema';
import { layout, statusBadge, type Html } from '../../../web/layout';
import type { DashContext, DashboardEnv } from '../../../web/session';

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

const grantsText = (specs: { key: string; value: boolean | number }[] | undefined) =>
  (specs ?? []).map((spec) => (spec.value === true ? spec.key : `${spec.key}=${spec.value}`)).join(', ') || '—';

/** Dashboard: the tenant's plans and packages, with the reason when one needs attention. */
export function planPages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.get('/dashboard/tenants/:tid/plans', async (c) => {
    const { tenant, principal, csrf } = helpers.shared(c);
    const [plans, packages] = await Promise.all([listPlans(ctx, tenant.id, { limit: 200 }), listPackages(ctx, tenant.id, { limit: 200 })]);
    return helpers.render(
      c,
      layout(
        { title: `Plans · ${tenant.name}`, principal, csrf, tenant, section: 'plans' },
        html`<h1>Plans and packages</h1>
          <section aria-labelledby="plans">
            <h2 id="plans">Plans</h2>
            ${
              plans.length === 0
                ? html`<p class="empty">No plans yet; create them with POST …/plans.</p>`
                : html`<div class="table-wrap">
                    <table class="stack">
                      <thead>
                        <tr>
                          <th scope="col">Plan</th>
                          <th scope="col">Status</th>
                          <th scope="col">Prices</th>
                          <th scope="col">Entitlements</th>
                          <th scope="col">Grace</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${plans.map(
                          (p) =>
                            html`<tr>
                              <td>${p.name} <code>${p.id}</code></td>
                              <td>
                                ${statusBadge(p.status)}${p.status_reason ? html`<br /><span class="muted">${p.status_reason}</span>` : ''}
                              </td>
                              <td>${p.price_ids.map((id) => html`<code>${id}</code> `)}</td>
                              <td>${grantsText(p.entitlements)}</td>
                              <td>${p.grace_period_days} days</td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
            }
          </section>
          <section aria-labelledby="pkgs">
            <h2 id="pkgs">Packages</h2>
            ${
              packages.length === 0
                ? html`<p class="empty">No packages yet; create them with POST …/packages.</p>`
                : html`<div class="table-wrap">
                    <table class="stack">
                      <thead>
                        <tr>
                          <th scope="col">Package</th>
                          <th scope="col">Status</th>
                          <th scope="col">Price</th>
                          <th scope="col">Grants</th>
                        </tr>
                      </thead>
                      <tbody>
                        ${packages.map(
                          (p) =>
                            html`<tr>
                              <td>${p.name} <code>${p.id}</code></td>
                              <td>
                                ${statusBadge(p.status)}${p.status_reason ? html`<br /><span class="muted">${p.status_reason}</span>` : ''}
                              </td>
                              <td><code>${p.price_id}</code></td>
                              <td>
                                ${p.grants.credits ? `${p.grants.credits.amount} ${p.grants.credits.unit}; ` : ''}${grantsText(p.grants.entitlements)}${p.grants.duration_days ? ` for ${p.grants.duration_days} days` : ''}
                              </td>
                            </tr>`,
                        )}
                      </tbody>
                    </table>
                  </div>`
            }
          </section>`,
      ),
    );
  });
  return app;
}
