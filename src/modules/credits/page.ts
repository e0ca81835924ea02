import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { pageOf, readCursor } from '../../http/cursor';
import { validationError } from '../../http/error-handler';
import type { Tenant } from '../../store/schema';
import { badge, csrfField, layout, pager, time, type Html } from '../../../web/layout';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { resolveCustomer } from '../customers/customers-service';
import { grantInput } from './credit-input';
import { ledgerEntryView, type BalanceView, type LedgerEntryView } from './credit-views';
import { creditBalances, creditLedgerPage, grantCreditsFromApi } from './credits-service';

const LEDGER_PAGE_SIZE = 50;

/** What the credits section shows; `loadCreditsSection` builds it. */
export interface CreditsSectionData {
  readonly balances: BalanceView[];
  readonly ledger: LedgerEntryView[];
  readonly nextCursor: string | null;
  readonly firstPage: boolean;
  /** The page the pager links to (the ledger's cursor is added as `?cursor=`). */
  readonly pagePath: string;
  /** Where the goodwill grant form posts; no form without it. */
  readonly grantAction?: { readonly url: string; readonly csrf: string };
}

/**
 * Balances and ledger of one customer, for any page that shows a customer. The customer page of
 * 15a's customers module can include it:
 *
 * ```ts
 * const credits = await loadCreditsSection(ctx, tenant.id, customer.id, { cursor: c.req.query('credits_cursor'), pagePath });
 * html`… ${creditsSection(credits)} …`
 * ```
 */
export async function loadCreditsSection(
  ctx: AppContext,
  tenantId: string,
  customerId: string,
  options: { cursor?: string; pagePath: string; grantAction?: CreditsSectionData['grantAction'] },
): Promise<CreditsSectionData> {
  const before = readCursor(options.cursor);
  const balances = await creditBalances(ctx, tenantId, customerId);
  const rows = await creditLedgerPage(ctx, tenantId, customerId, {
    limit: LEDGER_PAGE_SIZE + 1,
    before: before && { createdAt: before.at, id: before.id },
  });
  const page = pageOf(rows, LEDGER_PAGE_SIZE, (row) => ({ at: new Date(row.created_at), id: row.id }));
  return {
    balances,
    ledger: page.rows.map(ledgerEntryView),
    nextCursor: page.nextCursor,
    firstPage: !options.cursor,
    pagePath: options.pagePath,
    grantAction: options.grantAction,
  };
}

const signed = (value: number) => (value > 0 ? `+${value}` : String(value));

const ENTRY_LABELS: Record<LedgerEntryView['type'], string> = {
  grant: 'Granted',
  debit: 'Debited',
  hold: 'Held',
  capture: 'Hold captured',
  release: 'Hold released',
  hold_expired: 'Hold expired',
  expire: 'Expired',
};

export function creditsSection(data: CreditsSectionData): Html {
  return html`<section aria-labelledby="credits-heading">
    <h2 id="credits-heading">Credits</h2>
    ${
      data.balances.length === 0
        ? html`<p class="empty">No credits yet. They appear when a package is paid or credits are granted.</p>`
        : html`<div class="table-wrap">
            <table class="stack">
              <caption class="sr-only">
                Credit balances per unit
              </caption>
              <thead>
                <tr>
                  <th scope="col">Unit</th>
                  <th scope="col">Available</th>
                  <th scope="col">Paid</th>
                  <th scope="col">Granted</th>
                  <th scope="col">Held</th>
                  <th scope="col">Next expiry</th>
                </tr>
              </thead>
              <tbody>
                ${data.balances.map(
                  (row) =>
                    html`<tr>
                      <td data-label="Unit"><code>${row.unit}</code></td>
                      <td data-label="Available">${row.available}</td>
                      <td data-label="Paid">${row.paid}</td>
                      <td data-label="Granted">${row.granted}</td>
                      <td data-label="Held">${row.held}</td>
                      <td data-label="Next expiry">${time(row.next_expires_at, 'none')}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${data.grantAction ? grantForm(data.grantAction) : ''}
    <h3 id="ledger-heading">Ledger</h3>
    ${
      data.ledger.length === 0
        ? html`<p class="empty">No movements yet.</p>`
        : html`<div class="table-wrap">
            <table class="stack" aria-labelledby="ledger-heading">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Unit</th>
                  <th scope="col">Movement</th>
                  <th scope="col">Available</th>
                  <th scope="col">Held</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                ${data.ledger.map(
                  (entry) =>
                    html`<tr>
                      <td data-label="When">${time(entry.created_at)}</td>
                      <td data-label="Unit"><code>${entry.unit}</code></td>
                      <td data-label="Movement">${badge(ENTRY_LABELS[entry.type], entry.available_delta < 0 ? 'muted' : 'info')}</td>
                      <td data-label="Available">
                        ${signed(entry.available_delta)}
                        <span class="small muted">(paid ${signed(entry.paid_delta)}, granted ${signed(entry.granted_delta)})</span>
                      </td>
                      <td data-label="Held">${signed(entry.held_delta)}</td>
                      <td data-label="Reference"><code>${entry.reference.id}</code></td>
                      <td data-label="Reason">${entry.reason ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${pager(data.pagePath, {}, data.nextCursor, data.firstPage)}
  </section>`;
}

function grantForm(action: { url: string; csrf: string }): Html {
  return html`<h3 id="grant-heading">Grant credits</h3>
    <form method="post" action="${action.url}" class="card row-form" aria-labelledby="grant-heading">
      ${csrfField(action.csrf)}
      <input type="hidden" name="idempotency_key" value="dash_${randomUUID()}" />
      <div class="field">
        <label for="grant-unit">Unit</label>
        <input id="grant-unit" name="unit" required pattern="[a-z][a-z0-9_.]{0,63}" autocomplete="off" spellcheck="false" />
      </div>
      <div class="field">
        <label for="grant-amount">Amount</label>
        <input id="grant-amount" name="amount" type="number" min="1" step="1" required />
      </div>
      <div class="field">
        <label for="grant-reason">Reason</label>
        <input id="grant-reason" name="reason" maxlength="500" />
        <p class="hint">Granted credits (goodwill); they never expire. Sending the form twice grants once.</p>
      </div>
      <button type="submit">Grant</button>
    </form>`;
}

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

/** `/dashboard/tenants/:tid/customers/:customer/credits`: a customer's balances and ledger, and a goodwill grant form. */
export function creditPages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const path = '/dashboard/tenants/:tid/customers/:customer/credits';

  const show = async (c: DashContext, notice?: { kind: 'ok' | 'error'; text: string }, status: 200 | 422 = 200) => {
    const { tenant, principal, csrf } = helpers.shared(c);
    const ref = c.req.param('customer') ?? '';
    const customer = await resolveCustomer(ctx.store.db, tenant.id, ref);
    const pagePath = `/dashboard/tenants/${tenant.id}/customers/${encodeURIComponent(ref)}/credits`;
    const data = await loadCreditsSection(ctx, tenant.id, customer.id, {
      cursor: c.req.query('cursor'),
      pagePath,
      grantAction: { url: `${pagePath}/grants`, csrf },
    });
    const shown = notice ?? (c.req.query('done') === 'granted' ? { kind: 'ok' as const, text: 'Credits granted.' } : undefined);
    return helpers.render(
      c,
      layout(
        { title: `Credits · ${customer.email}`, principal, csrf, tenant, notice: shown },
        html`<h1>Credits of ${customer.name || customer.email}</h1>
          <p class="muted">
            <code>${customer.id}</code>${customer.external_id ? html` · external id <code>${customer.external_id}</code>` : ''}
          </p>
          ${creditsSection(data)}`,
      ),
      status,
    );
  };

  app.get(path, (c) => show(c));

  app.post(`${path}/grants`, async (c) => {
    const { tenant } = helpers.shared(c);
    const customer = await resolveCustomer(ctx.store.db, tenant.id, c.req.param('customer'));
    const form = await c.req.parseBody();
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
    const parsed = grantInput.safeParse({
      unit: text('unit'),
      amount: text('amount') === '' ? undefined : Number(text('amount')),
      idempotency_key: text('idempotency_key'),
      reason: text('reason') || undefined,
    });
    try {
      if (!parsed.success) throw validationError(parsed.error);
      await grantCreditsFromApi(ctx, tenant.id, customer.id, parsed.data);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      return show(c, { kind: 'error', text: error.message }, 422);
    }
    return c.redirect(`/dashboard/tenants/${tenant.id}/customers/${encodeURIComponent(c.req.param('customer'))}/credits?done=granted`, 303);
  });

  return app;
}
