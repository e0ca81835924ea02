import { Hono } from 'hono';
import { html } from 'hono/html';
import type { Principal } from '../../auth/principal';
import type { AppContext } from '../../context';
import { AppError } from '../../errors';
import { formatMinorUnits } from '../../money';
import type { PaymentRequestStatus } from '../../store/payment-requests-schema';
import type { Tenant } from '../../store/schema';
import { actionButton, badge, layout, statusBadge, time, type Html } from '../../../web/layout';
import { listFilterForm, readListFilters, type ListFilters } from '../../../web/list-filters';
import { resultSummary, twoWayPage, twoWayPager } from '../../../web/list-query';
import type { DashContext, DashboardEnv } from '../../../web/session';
import { PAYMENT_REQUEST_STATUSES } from './payment-request-input';
import {
  cancelPaymentRequest,
  paymentRequestDetail,
  searchPaymentRequestPage,
  viewPaymentRequest,
  type PaymentRequestDetail,
} from './payment-request-service';
import type { PaymentRequestView } from './payment-request-view';
import { listPaymentRequestRefunds } from '../refunds/refund-service';
import type { RefundView } from '../refunds/refund-view';

const PAGE_SIZE = 50;
type Common = { principal: Principal; csrf: string; tenant: Tenant };

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => Common;
}

function shell(common: Common, title: string) {
  return { title, principal: common.principal, csrf: common.csrf, tenant: common.tenant, section: 'payment_requests' as const };
}

const money = (request: PaymentRequestView) => `${request.currency} ${formatMinorUnits(request.amount, request.currency)}`;

function listPage(
  options: Common & {
    filters: ListFilters<PaymentRequestStatus>;
    requests: PaymentRequestView[];
    page: { olderCursor: string | null; newerCursor: string | null };
    total: { count: number; capped: boolean };
  },
): Html {
  const base = `/dashboard/tenants/${options.tenant.id}/payment-requests`;
  const { filters } = options;
  return layout(
    {
      ...shell(options, `Payment requests · ${options.tenant.name}`),
      notice: filters.error ? { kind: 'error', text: filters.error } : undefined,
    },
    html`<h1>Payment requests</h1>
      ${listFilterForm({
        action: base,
        label: 'Filter payment requests',
        idPrefix: 'pr',
        search: {
          placeholder: 'pr_…, order-1001, pi_…, ada@example.com',
          hint: "The request's id, its flow id, its payment intent or Checkout Session, or the customer's email.",
        },
        statuses: PAYMENT_REQUEST_STATUSES,
        dateLabel: 'Created',
        filters,
      })}
      <section aria-labelledby="pr-heading">
        <h2 id="pr-heading">${filters.filtered ? 'Matching payment requests' : 'All payment requests'}</h2>
        ${resultSummary({ ...options.total, noun: ['payment request', 'payment requests'], filtered: filters.filtered, clearHref: base })}
        ${
          options.requests.length === 0
            ? html`<p class="empty">
                ${filters.filtered ? 'No payment request matches these filters.' : 'No payment requests yet; your platform creates them through the API.'}
              </p>`
            : html`<div class="table-wrap">
                <table class="stack">
                  <caption class="sr-only">
                    Payment requests, newest first
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Request</th>
                      <th scope="col">Flow</th>
                      <th scope="col">Customer</th>
                      <th scope="col">Amount</th>
                      <th scope="col">Status</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${options.requests.map(
                      (request) =>
                        html`<tr>
                          <td data-label="Request">
                            <a href="${base}/${request.id}"><code>${request.id}</code></a>
                          </td>
                          <td data-label="Flow">${request.flow_id ?? ''}</td>
                          <td data-label="Customer">${request.customer?.email ?? ''}</td>
                          <td data-label="Amount">${money(request)}</td>
                          <td data-label="Status">
                            ${statusBadge(request.status)}${request.overpaid ? html` ${badge('overpaid', 'warn')}` : ''}${request.stalled ? html` ${badge('stalled', 'warn')}` : ''}
                          </td>
                          <td data-label="Created">${time(request.created_at)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
        ${twoWayPager(base, filters.params, options.page)}
      </section>`,
  );
}

/** The request's refunds, made through Paybridge or in Stripe directly (a failed one gave the money back). */
function refundsSection(refunds: RefundView[]): Html {
  return html`<section aria-labelledby="pr-refunds">
    <h2 id="pr-refunds">Refunds</h2>
    ${
      refunds.length === 0
        ? html`<p class="empty">No refund.</p>`
        : html`<ul class="plain">
            ${refunds.map(
              (refund) =>
                html`<li>
                  <code>${refund.stripe_refund_id}</code> ${refund.currency} ${refund.amount_display} ${statusBadge(refund.status)}
                  <span class="muted small">${refund.source === 'stripe' ? 'made in Stripe' : 'through Paybridge'}</span>
                  ${refund.failure_reason ? html` <span class="small">(${refund.failure_reason.replaceAll('_', ' ')})</span>` : ''}
                  <span class="muted small">${time(refund.created)}</span>
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

function detailPage(
  options: Common & { detail: PaymentRequestDetail; refunds: RefundView[]; notice?: { kind: 'ok' | 'error'; text: string } },
): Html {
  const { request, payments, timeline } = options.detail;
  const base = `/dashboard/tenants/${options.tenant.id}/payment-requests`;
  const final = ['succeeded', 'canceled', 'expired'].includes(request.status);
  return layout(
    { ...shell(options, `Payment request ${request.id} · ${options.tenant.name}`), notice: options.notice },
    html`<h1>Payment request <code>${request.id}</code></h1>
      <p><a href="${base}">All payment requests</a></p>
      <section class="card" aria-labelledby="pr-facts">
        <h2 id="pr-facts">
          ${statusBadge(request.status)}${request.overpaid ? html` ${badge('overpaid: refund the extra payment in Stripe', 'warn')}` : ''}
        </h2>
        <dl class="facts">
          <div>
            <dt>Amount</dt>
            <dd>${money(request)}</dd>
          </div>
          <div>
            <dt>Method</dt>
            <dd>${request.method.replace('_', ' ')}</dd>
          </div>
          <div>
            <dt>Flow</dt>
            <dd>${request.flow_id ?? html`<span class="muted">none</span>`}</dd>
          </div>
          <div>
            <dt>Description</dt>
            <dd>${request.description ?? html`<span class="muted">none</span>`}</dd>
          </div>
          <div>
            <dt>Payment page</dt>
            <dd>
              ${request.url ? html`<code>${request.url}</code>` : html`<span class="muted">none (the platform's app confirms the payment intent)</span>`}
            </dd>
          </div>
          <div>
            <dt>Payment intent</dt>
            <dd>
              ${request.payment_intent_id ? html`<code>${request.payment_intent_id}</code>` : html`<span class="muted">not yet</span>`}
            </dd>
          </div>
          <div>
            <dt>Charge</dt>
            <dd>${request.charge_id ? html`<code>${request.charge_id}</code>` : html`<span class="muted">none</span>`}</dd>
          </div>
          <div>
            <dt>Last failure</dt>
            <dd>${request.failure ?? html`<span class="muted">none</span>`}</dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>${time(request.created_at)}</dd>
          </div>
        </dl>
        ${final ? '' : actionButton({ action: `${base}/${request.id}/cancel`, csrf: options.csrf, label: 'Cancel request', kind: 'danger' })}
      </section>
      <section aria-labelledby="pr-payments">
        <h2 id="pr-payments">Payments</h2>
        ${
          payments.length === 0
            ? html`<p class="empty">No payment yet.</p>`
            : html`<ul class="plain">
                ${payments.map(
                  (payment) =>
                    html`<li>
                      <code>${payment.payment_intent_id}</code> ${payment.currency}
                      ${formatMinorUnits(Number(payment.amount), payment.currency)}
                      ${
                        Number(payment.refunded_amount) > 0
                          ? html`<span class="small"
                              >(refunded ${formatMinorUnits(Number(payment.refunded_amount), payment.currency)})</span
                            >`
                          : ''
                      }
                      <span class="muted small">${time(payment.paid_at)}</span>
                    </li>`,
                )}
              </ul>`
        }
      </section>
      ${refundsSection(options.refunds)}
      <section aria-labelledby="pr-timeline">
        <h2 id="pr-timeline">Timeline</h2>
        <ol class="plain">
          ${timeline.map(
            (entry) =>
              html`<li>
                <code>${entry.type}</code> ${entry.status ? statusBadge(entry.status) : ''}
                <span class="muted small">${time(entry.at)}</span>
                ${entry.stripe_event_id ? html` <span class="small muted">from <code>${entry.stripe_event_id}</code></span>` : ''}
              </li>`,
          )}
        </ol>
      </section>`,
  );
}

/** Dashboard pages: the list (status filter, cursor pages) and one request with its payments and timeline; cancel. */
export function paymentRequestPages(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const base = '/dashboard/tenants/:tid/payment-requests';

  app.get(base, async (c) => {
    const tenant = c.get('tenant');
    const filters = readListFilters((name) => c.req.query(name), PAYMENT_REQUEST_STATUSES, 'an id, a flow id or an email');
    const { position } = filters;
    const { rows, total } = await searchPaymentRequestPage(
      ctx,
      { tenantId: tenant.id, status: filters.status, q: filters.q, createdFrom: filters.start, createdBefore: filters.end },
      { limit: PAGE_SIZE + 1, before: position.older, after: position.newer },
    );
    const page = twoWayPage(rows, PAGE_SIZE, position.newer ? 'newer' : 'older', position.paged, (row) => ({
      at: new Date(row.created_at),
      id: row.id,
    }));
    return helpers.render(c, listPage({ ...helpers.shared(c), filters, requests: page.rows.map(viewPaymentRequest), page, total }));
  });

  const show = async (c: DashContext, notice?: { kind: 'ok' | 'error'; text: string }, status: 200 | 409 | 422 = 200) => {
    const detail = await paymentRequestDetail(ctx, c.get('tenant').id, c.req.param('rid') ?? '');
    const refunds = await listPaymentRequestRefunds(ctx, c.get('tenant').id, detail.request.id);
    const done =
      c.req.query('done') === 'canceled' ? { kind: 'ok' as const, text: 'Canceled: the customer can no longer pay it.' } : undefined;
    return helpers.render(c, detailPage({ ...helpers.shared(c), detail, refunds, notice: notice ?? done }), status);
  };
  app.get(`${base}/:rid`, (c) => show(c));
  app.post(`${base}/:rid/cancel`, async (c) => {
    const tenant = c.get('tenant');
    const id = c.req.param('rid');
    try {
      await cancelPaymentRequest(ctx, tenant.id, id);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      return show(c, { kind: 'error', text: error.message }, error.status === 409 ? 409 : 422);
    }
    return c.redirect(`/dashboard/tenants/${tenant.id}/payment-requests/${id}?done=canceled`, 303);
  });

  return app;
}
