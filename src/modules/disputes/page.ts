import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import type { Tenant } from '../../store/schema';
import { layout, statusBadge, time, type Html } from '../../../web/layout';
import { listFilterForm, readListFilters } from '../../../web/list-filters';
import { resultSummary, twoWayPage, twoWayPager } from '../../../web/list-query';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { openDisputesByUrgency, searchDisputePage } from './dispute-service';
import { DISPUTE_STATUSES, toDisputeView, type DisputeView } from './dispute-view';

const SHOWN = 20;
const PAGE_SIZE = 50;

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

/** One table of disputes, for the overview's open ones and the full list: `first` names the column it leads with. */
function disputeTable(tenantId: string, disputes: DisputeView[], caption: string, first: 'due' | 'opened'): Html {
  return html`<div class="table-wrap">
    <table class="stack">
      <caption class="sr-only">
        ${caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">${first === 'due' ? 'Evidence due' : 'Opened'}</th>
          <th scope="col">Dispute</th>
          <th scope="col">Amount</th>
          <th scope="col">Reason</th>
          <th scope="col">Status</th>
          ${first === 'opened' ? html`<th scope="col">Evidence due</th>` : ''}
          <th scope="col">Contests</th>
        </tr>
      </thead>
      <tbody>
        ${disputes.map(
          (d) =>
            html`<tr>
              <td data-label="${first === 'due' ? 'Evidence due' : 'Opened'}">
                ${first === 'due' ? time(d.due_by, 'no due date') : time(d.opened_at)}
              </td>
              <td data-label="Dispute"><code>${d.id}</code></td>
              <td data-label="Amount">${d.amount_display} ${d.currency}</td>
              <td data-label="Reason">${d.reason ?? ''}</td>
              <td data-label="Status">${statusBadge(d.status)}</td>
              ${first === 'opened' ? html`<td data-label="Evidence due">${d.open ? time(d.due_by, 'no due date') : ''}</td>` : ''}
              <td data-label="Contests">
                ${
                  d.invoice_id
                    ? html`<a href="/dashboard/tenants/${tenantId}/invoices/${d.invoice_id}">Invoice ${d.invoice_id}</a>`
                    : d.payment_request_id
                      ? html`<a href="/dashboard/tenants/${tenantId}/payment-requests/${d.payment_request_id}"
                          >Payment request ${d.payment_request_id}</a
                        >`
                      : (d.payment_intent_id ?? '')
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** The tenant overview's "Open disputes": evidence due soonest first, each with what it contests. */
export async function openDisputesSection(ctx: AppContext, tenantId: string): Promise<Html> {
  const disputes = await openDisputesByUrgency(ctx, tenantId, SHOWN);
  if (disputes.length === 0) return html``;
  return html`<section aria-labelledby="disputes-heading">
    <h2 id="disputes-heading">Open disputes</h2>
    <p class="hint">
      Submit evidence in Stripe before the due date; the most urgent is first.
      <a href="/dashboard/tenants/${tenantId}/disputes">All disputes</a>
    </p>
    ${disputeTable(tenantId, disputes, 'Open disputes, most urgent first', 'due')}
  </section>`;
}

/** Dashboard: every dispute of the tenant, newest opened first, with search, status, dates, totals and pages. */
export function disputePages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  app.get('/dashboard/tenants/:tid/disputes', async (c) => {
    const common = helpers.shared(c);
    const base = `/dashboard/tenants/${common.tenant.id}/disputes`;
    const filters = readListFilters(
      (name) => c.req.query(name),
      DISPUTE_STATUSES,
      'a dispute, charge, payment intent, invoice or payment request id',
    );
    const { position } = filters;
    const { rows, total } = await searchDisputePage(
      ctx,
      { tenantId: common.tenant.id, status: filters.status, q: filters.q, openedFrom: filters.start, openedBefore: filters.end },
      { limit: PAGE_SIZE + 1, before: position.older, after: position.newer },
    );
    const page = twoWayPage(rows, PAGE_SIZE, position.newer ? 'newer' : 'older', position.paged, (row) => ({
      at: new Date(row.opened_at),
      id: row.id,
    }));
    return helpers.render(
      c,
      layout(
        {
          title: `Disputes · ${common.tenant.name}`,
          ...common,
          section: 'disputes',
          notice: filters.error ? { kind: 'error', text: filters.error } : undefined,
        },
        html`<h1>Disputes</h1>
          ${listFilterForm({
            action: base,
            label: 'Filter disputes',
            idPrefix: 'd',
            search: {
              placeholder: 'dp_…, ch_…, pi_…, inv_…',
              hint: 'The dispute, its charge or payment intent, or the invoice or payment request it contests.',
            },
            statuses: DISPUTE_STATUSES,
            dateLabel: 'Opened',
            filters,
          })}
          <section aria-labelledby="disputes-list-heading">
            <h2 id="disputes-list-heading">${filters.filtered ? 'Matching disputes' : 'All disputes'}</h2>
            ${resultSummary({ ...total, noun: ['dispute', 'disputes'], filtered: filters.filtered, clearHref: base })}
            ${
              page.rows.length === 0
                ? html`<p class="empty">${filters.filtered ? 'No dispute matches these filters.' : 'No dispute so far.'}</p>`
                : disputeTable(common.tenant.id, page.rows.map(toDisputeView), 'Disputes, newest opened first', 'opened')
            }
            ${twoWayPager(base, filters.params, page)}
          </section>`,
      ),
    );
  });
  return app;
}
