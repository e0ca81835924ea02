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

type Cell = Html | string;

/** Name with id, and status with the reason when it needs attention: the first two cells of both tables. */
const nameAndStatus = (item: { id: string; name: string; status: string; status_reason: string | null }): Cell[] => [
  html`${item.name} <code>${item.id}</code>`,
  html`${statusBadge(item.status)}${item.status_reason ? html`<br /><span class="muted">${item.status_reason}</span>` : ''}`,
];

/** One titled table of the page, or a line saying how to create the first row. */
function section(options: { id: string; title: string; empty: string; headings: string[]; rows: Cell[][] }): Html {
  return html`<section aria-labelledby="${options.id}">
    <h2 id="${options.id}">${options.title}</h2>
    ${
      options.rows.length === 0
        ? html`<p class="empty">${options.empty}</p>`
        : html`<div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  ${options.headings.map((heading) => html`<th scope="col">${heading}</th>`)}
                </tr>
              </thead>
              <tbody>
                ${options.rows.map(
                  (cells) =>
                    html`<tr>
                      ${cells.map((cell) => html`<td>${cell}</td>`)}
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`;
}

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
          ${section({
            id: 'plans',
            title: 'Plans',
            empty: 'No plans yet; create them with POST …/plans.',
            headings: ['Plan', 'Status', 'Prices', 'Entitlements', 'Grace'],
            rows: plans.map((p) => [
              ...nameAndStatus(p),
              html`${p.price_ids.map((id) => html`<code>${id}</code> `)}`,
              grantsText(p.entitlements),
              `${p.grace_period_days} days`,
            ]),
          })}
          ${section({
            id: 'pkgs',
            title: 'Packages',
            empty: 'No packages yet; create them with POST …/packages.',
            headings: ['Package', 'Status', 'Price', 'Grants'],
            rows: packages.map((p) => [
              ...nameAndStatus(p),
              html`<code>${p.price_id}</code>`,
              `${p.grants.credits ? `${p.grants.credits.amount} ${p.grants.credits.unit}; ` : ''}${grantsText(p.grants.entitlements)}${p.grants.duration_days ? ` for ${p.grants.duration_days} days` : ''}`,
            ]),
          })}`,
      ),
    );
  });
  return app;
}
