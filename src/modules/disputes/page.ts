import { html } from 'hono/html';
import type { AppContext } from '../../context';
import { statusBadge, time, type Html } from '../../../web/layout';
import { openDisputesByUrgency } from './dispute-service';

const SHOWN = 20;

/** The tenant overview's "Open disputes": evidence due soonest first, each with what it contests. */
export async function openDisputesSection(ctx: AppContext, tenantId: string): Promise<Html> {
  const disputes = await openDisputesByUrgency(ctx, tenantId, SHOWN);
  if (disputes.length === 0) return html``;
  return html`<section aria-labelledby="disputes-heading">
    <h2 id="disputes-heading">Open disputes</h2>
    <p class="hint">Submit evidence in Stripe before the due date; the most urgent is first.</p>
    <div class="table-wrap">
      <table class="stack">
        <caption class="sr-only">
          Open disputes, most urgent first
        </caption>
        <thead>
          <tr>
            <th scope="col">Evidence due</th>
            <th scope="col">Dispute</th>
            <th scope="col">Amount</th>
            <th scope="col">Reason</th>
            <th scope="col">Status</th>
            <th scope="col">Contests</th>
          </tr>
        </thead>
        <tbody>
          ${disputes.map(
            (d) =>
              html`<tr>
                <td>${time(d.due_by, 'no due date')}</td>
                <td><code>${d.id}</code></td>
                <td>${d.amount_display} ${d.currency}</td>
                <td>${d.reason ?? ''}</td>
                <td>${statusBadge(d.status)}</td>
                <td>
                  ${
                    d.invoice_id
                      ? html`<a href="/dashboard/tenants/${tenantId}/invoices/${d.invoice_id}">Invoice ${d.invoice_id}</a>`
                      : (d.payment_request_id ?? d.payment_intent_id ?? '')
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`;
}
