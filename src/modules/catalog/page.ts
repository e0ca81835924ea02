import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import { requireConnection } from '../../connections/connection-service';
import type { AppContext } from '../../context';
import type { Tenant } from '../../store/schema';
import { actionButton, layout, statusBadge, time, type Html } from '../../../web/layout';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { catalogOverview, startCatalogImport, type CatalogImportView } from './catalog-import-service';
import { listPrices, toPriceView, type PriceView } from './catalog-service';

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

const SHOWN_PRICES = 50;

function importSection(base: string, csrf: string, running: CatalogImportView | undefined): Html {
  const progress = running
    ? html`<p>
          Last import ${statusBadge(running.status)} —
          ${running.done.toLocaleString('en-US')}${running.total ? html` of ${running.total.toLocaleString('en-US')}` : ''} objects
          (${running.products.toLocaleString('en-US')} products, ${running.prices.toLocaleString('en-US')} prices;
          ${running.changed.toLocaleString('en-US')} changed), started ${time(running.created_at)}.
        </p>
        ${
          running.total
            ? html`<progress max="${running.total}" value="${running.done}" aria-label="Import progress">
                ${running.done} of ${running.total}
              </progress>`
            : ''
        }
        ${running.error ? html`<p class="field-error">${running.error}</p>` : ''}
        ${running.status === 'queued' || running.status === 'running' ? html`<p><a href="${base}">Refresh to see progress</a></p>` : ''}`
    : html`<p class="empty">Not imported yet. Products and prices changed in Stripe are followed from their events either way.</p>`;
  return html`<section aria-labelledby="import-heading" class="card">
    <h2 id="import-heading">Import from Stripe</h2>
    ${progress} ${actionButton({ action: `${base}/import`, csrf, label: running ? 'Import again' : 'Import catalog' })}
  </section>`;
}

function pricesTable(prices: PriceView[]): Html {
  if (prices.length === 0) return html`<p class="empty">No prices stored for this connection yet.</p>`;
  return html`<div class="table-wrap">
    <table class="stack">
      <caption class="sr-only">
        Newest prices
      </caption>
      <thead>
        <tr>
          <th scope="col">Price</th>
          <th scope="col">Product</th>
          <th scope="col">Amount</th>
          <th scope="col">Type</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        ${prices.map(
          (price) =>
            html`<tr>
              <td><code>${price.id}</code>${price.nickname ? html` ${price.nickname}` : ''}</td>
              <td>${price.product_name ?? price.product ?? ''}</td>
              <td>${price.unit_amount_display ?? '—'} ${price.currency}</td>
              <td>${price.type ?? ''}${price.recurring ? html` / ${price.recurring.interval}` : ''}</td>
              <td>${statusBadge(price.deleted ? 'deleted' : price.active ? 'active' : 'archived')}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The connection's catalog: import progress and button, counts, the newest prices. */
export function catalogPages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const path = '/dashboard/tenants/:tid/connections/:cid/catalog';

  app.get(path, async (c) => {
    const { tenant, principal, csrf } = helpers.shared(c);
    const connection = await requireConnection(ctx, tenant.id, c.req.param('cid') ?? '');
    const [{ latest, counts }, prices] = await Promise.all([
      catalogOverview(ctx, tenant.id, connection.id),
      listPrices(ctx, tenant.id, { connectionId: connection.id }, { limit: SHOWN_PRICES }),
    ]);
    const base = `/dashboard/tenants/${tenant.id}/connections/${connection.id}/catalog`;
    return helpers.render(
      c,
      layout(
        { title: `Catalog · ${connection.name}`, principal, csrf, tenant, section: 'integrations' },
        html`<h1>Catalog of ${connection.name}</h1>
          <p>
            ${counts.products.toLocaleString('en-US')} products and ${counts.prices.toLocaleString('en-US')} prices stored.
            <a href="/dashboard/tenants/${tenant.id}/connections/${connection.id}">Back to the connection</a>
          </p>
          ${importSection(base, csrf, latest)}
          <section aria-labelledby="prices-heading">
            <h2 id="prices-heading">Newest prices</h2>
            ${pricesTable(prices.map(toPriceView))}
          </section>`,
      ),
    );
  });

  app.post(`${path}/import`, async (c) => {
    const { tenant } = helpers.shared(c);
    const connectionId = c.req.param('cid') ?? '';
    await startCatalogImport(ctx, tenant.id, connectionId);
    return c.redirect(`/dashboard/tenants/${tenant.id}/connections/${connectionId}/catalog`, 303);
  });

  return app;
}
