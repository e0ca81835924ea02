import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { InvoiceDiagnosis } from '../../src/billing/diagnosis';
import type { InvoiceView } from '../../src/billing/invoice-view';
import type { ConnectionRow, Tenant } from '../../src/store/schema';
import type { InvoiceRow, InvoiceStatus, MailRow } from '../../src/store/invoices-schema';
import { formatMinorUnits } from '../../src/money';
import { actionButton, badge, layout, pager, statusBadge, time, type Html } from '../layout';
import { listFilterForm, type ListFilters } from '../list-filters';
import { resultSummary, twoWayPager } from '../list-query';

export const INVOICE_STATUSES: InvoiceStatus[] = ['draft', 'open', 'paid', 'void', 'refunded'];

type Common = { principal: Principal; csrf: string; tenant: Tenant };

export function invoicesPage(
  options: Common & {
    filters: ListFilters<InvoiceStatus>;
    invoices: (InvoiceRow & { customer_email: string | null })[];
    page: { olderCursor: string | null; newerCursor: string | null };
    total: { count: number; capped: boolean };
    notice?: { kind: 'ok' | 'error'; text: string };
  },
): Html {
  const base = `/dashboard/tenants/${options.tenant.id}/invoices`;
  const { filters } = options;
  const { params, filtered } = filters;
  return layout(
    {
      title: `Invoices · ${options.tenant.name}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'invoices',
      notice: options.notice,
    },
    html`<h1>Invoices</h1>
      <p><a class="button" href="${base}/new">New invoice</a></p>
      ${listFilterForm({
        action: base,
        label: 'Filter invoices',
        idPrefix: 'i',
        search: {
          placeholder: 'inv_…, INV-1001, ada@example.com',
          hint: "Invoice id or external id, customer id or external id, or the customer's email.",
        },
        statuses: INVOICE_STATUSES,
        dateLabel: 'Created',
        filters,
      })}
      <section aria-labelledby="invoices-heading">
        <h2 id="invoices-heading">${filtered ? 'Matching invoices' : 'All invoices'}</h2>
        ${resultSummary({ ...options.total, noun: ['invoice', 'invoices'], filtered, clearHref: base })}
        ${
          options.invoices.length === 0
            ? html`<p class="empty">
                ${filtered ? 'No invoice matches these filters.' : 'No invoices yet; your platform creates them through the API.'}
              </p>`
            : html`<div class="table-wrap">
                <table class="stack">
                  <caption class="sr-only">
                    Invoices, newest first
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Invoice</th>
                      <th scope="col">Customer</th>
                      <th scope="col">Amount</th>
                      <th scope="col">Status</th>
                      <th scope="col">Created</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${options.invoices.map(
                      (invoice) =>
                        html`<tr>
                          <td data-label="Invoice">
                            <a href="${base}/${invoice.id}"><code>${invoice.external_id ?? invoice.id}</code></a>
                          </td>
                          <td data-label="Customer">${invoice.customer_email ?? ''}</td>
                          <td data-label="Amount">${invoice.currency} ${formatMinorUnits(BigInt(invoice.amount_due), invoice.currency)}</td>
                          <td data-label="Status">
                            ${statusBadge(invoice.status)}${invoice.needs_refund_review ? html` ${badge('review', 'warn')}` : ''}
                          </td>
                          <td data-label="Created">${time(invoice.created_at)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
        ${twoWayPager(base, params, options.page)}
      </section>`,
  );
}

function diagnosisSection(d: InvoiceDiagnosis, tenantId: string): Html {
  const base = `/dashboard/tenants/${tenantId}`;
  return html`<section aria-labelledby="diagnosis-heading" class="card">
    <h2 id="diagnosis-heading">Diagnosis</h2>
    <p>${d.summary}</p>
    ${
      d.next_steps.length > 0
        ? html`<h3>What to check</h3>
            <ol>
              ${d.next_steps.map((step) => html`<li>${step}</li>`)}
            </ol>`
        : ''
    }
    <dl class="facts">
      <div>
        <dt>Payment link</dt>
        <dd>
          ${d.payment_link.exists ? html`${d.payment_link.active ? badge('active', 'ok') : badge('inactive', 'muted')} <code>${d.payment_link.id}</code>` : html`<span class="muted">not created</span>`}${d.payment_link.deactivation ? html`<br /><span class="small muted">${d.payment_link.deactivation}</span>` : ''}
        </dd>
      </div>
      <div>
        <dt>Connection</dt>
        <dd>
          <a href="${base}/connections/${d.connection.id}">${d.connection.id}</a>
          ${statusBadge(d.connection.status)}${d.connection.invoicing_enabled ? '' : html` ${badge('invoicing feature off', 'warn')}`}
        </dd>
      </div>
      <div>
        <dt>Last event</dt>
        <dd>${time(d.connection.last_event_at)}</dd>
      </div>
      <div>
        <dt>Signature failures</dt>
        <dd>
          ${d.signature_failures.count}${d.signature_failures.by_reason.length ? html` (${d.signature_failures.by_reason.map((r) => `${r.reason}: ${r.count}`).join(', ')})` : ''}
        </dd>
      </div>
      <div>
        <dt>Payments recorded</dt>
        <dd>${d.payments}</dd>
      </div>
    </dl>
    <h3>Events about this invoice</h3>
    ${
      d.events.length === 0
        ? html`<p class="empty">No event mentions this invoice.</p>`
        : html`<ul class="plain">
            ${d.events.map(
              (event) =>
                html`<li>
                  <a href="${base}/events/${event.id}"><code>${event.type}</code></a> ${statusBadge(event.status)}
                  <span class="muted small">${time(event.received_at)}</span
                  >${event.last_error ? html` <span class="small error-text">${event.last_error}</span>` : ''}
                </li>`,
            )}
          </ul>`
    }
    ${
      d.processing_errors.length > 0
        ? html`<h3>Processing errors</h3>
            <ul class="plain">
              ${d.processing_errors.map(
                (e) =>
                  html`<li>
                    <a href="${base}/events/${e.event_id}"><code>${e.type}</code></a> ${statusBadge(e.status)} ${e.error ?? ''}
                  </li>`,
              )}
            </ul>`
        : ''
    }
    ${
      d.mail.length > 0
        ? html`<h3>Mail</h3>
            <ul class="plain">
              ${d.mail.map((m) => html`<li><a href="${base}/mail/${m.id}">${m.to}</a> ${statusBadge(m.status)}${m.last_error ? html` <span class="small error-text">${m.last_error}</span>` : ''}</li>`)}
            </ul>`
        : ''
    }
  </section>`;
}

export function invoiceDetailPage(
  options: Common & {
    invoice: InvoiceView;
    diagnosis: InvoiceDiagnosis;
    connection: ConnectionRow | undefined;
    notice?: { kind: 'ok' | 'error'; text: string };
  },
): Html {
  const i = options.invoice;
  const base = `/dashboard/tenants/${options.tenant.id}`;
  return layout(
    {
      title: `Invoice ${i.external_id ?? i.id}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'invoices',
      notice: options.notice,
    },
    html`<h1>Invoice <code>${i.external_id ?? i.id}</code></h1>
      <p class="badges">
        ${statusBadge(i.status)}
        <strong>${i.currency} ${i.amount_due_display}</strong>${i.needs_refund_review ? html` ${badge('needs refund review', 'warn')}` : ''}
      </p>
      ${i.review_reason ? html`<p class="reason">${i.review_reason}</p>` : ''}
      <dl class="facts">
        <div>
          <dt>Customer</dt>
          <dd>${i.customer.name} &lt;${i.customer.email}&gt;</dd>
        </div>
        <div>
          <dt>Connection</dt>
          <dd>
            ${options.connection ? html`<a href="${base}/connections/${options.connection.id}">${options.connection.name}</a>` : i.connection_id}
          </dd>
        </div>
        <div>
          <dt>Payment link</dt>
          <dd>
            ${
              i.payment_link_url && /^https?:\/\//.test(i.payment_link_url)
                ? html`<a href="${i.payment_link_url}" rel="noopener noreferrer" target="_blank">${i.payment_link_url}</a>
                    ${i.payment_link_active ? badge('active', 'ok') : badge('deactivated', 'muted')}`
                : html`<span class="muted">created when the invoice is finalized</span>`
            }
          </dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>${time(i.created_at)}</dd>
        </div>
        ${
          i.due_date
            ? html`<div>
                <dt>Due</dt>
                <dd>${i.due_date}</dd>
              </div>`
            : ''
        }
        <div>
          <dt>Finalized</dt>
          <dd>${time(i.finalized_at, 'not yet')}</dd>
        </div>
        <div>
          <dt>Paid</dt>
          <dd>${time(i.paid_at, 'not yet')}</dd>
        </div>
        ${
          i.voided_at
            ? html`<div>
                <dt>Voided</dt>
                <dd>${time(i.voided_at)}</dd>
              </div>`
            : ''
        }
      </dl>
      ${
        i.status === 'draft' || i.status === 'open'
          ? html`<div class="button-row">
              ${i.status === 'draft' ? actionButton({ action: `${base}/invoices/${i.id}/finalize`, csrf: options.csrf, label: 'Finalize and send the payment link' }) : ''}
              <a class="button danger" href="${base}/invoices/${i.id}/void">Void…</a>
            </div>`
          : ''
      }
      <section aria-labelledby="lines-heading">
        <h2 id="lines-heading">Lines</h2>
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">Description</th>
                <th scope="col">Quantity</th>
                <th scope="col">Unit</th>
                <th scope="col">Amount</th>
              </tr>
            </thead>
            <tbody>
              ${i.lines.map(
                (line) =>
                  html`<tr>
                    <td data-label="Description">${line.description}</td>
                    <td data-label="Quantity">${line.quantity}</td>
                    <td data-label="Unit">${formatMinorUnits(BigInt(line.unit_amount), i.currency)}</td>
                    <td data-label="Amount">${line.amount_display}</td>
                  </tr>`,
              )}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="payments-heading">
        <h2 id="payments-heading">Payments</h2>
        ${
          i.payments.length === 0
            ? html`<p class="empty">No payment yet.</p>`
            : html`<div class="table-wrap">
                <table class="stack">
                  <thead>
                    <tr>
                      <th scope="col">Amount</th>
                      <th scope="col">Stripe payment</th>
                      <th scope="col">Paid at</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${i.payments.map(
                      (p) =>
                        html`<tr>
                          <td data-label="Amount">${p.currency} ${p.amount_display}</td>
                          <td data-label="Stripe payment"><code>${p.provider_payment_id}</code></td>
                          <td data-label="Paid at">${time(p.paid_at)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        ${
          i.timeline.length === 0
            ? html`<p class="empty">Nothing happened yet.</p>`
            : html`<ol class="timeline">
                ${i.timeline.map((entry) => html`<li>${time(entry.at)} — <strong>${entry.kind.replaceAll('_', ' ')}</strong>: ${entry.message}</li>`)}
              </ol>`
        }
      </section>
      ${diagnosisSection(options.diagnosis, options.tenant.id)}`,
  );
}

export function mailListPage(options: Common & { messages: MailRow[]; nextCursor: string | null; firstPage: boolean }): Html {
  const base = `/dashboard/tenants/${options.tenant.id}/mail`;
  return layout(
    { title: `Mail · ${options.tenant.name}`, principal: options.principal, csrf: options.csrf, tenant: options.tenant, section: 'mail' },
    html`<h1>Mail</h1>
      <p>Mail sent to this tenant's customers. Without <code>PAYBRIDGE_SMTP_URL</code>, mail is captured here instead of being sent.</p>
      ${
        options.messages.length === 0
          ? html`<p class="empty">No mail yet.</p>`
          : html`<div class="table-wrap">
              <table class="stack">
                <caption class="sr-only">
                  Mail, newest first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Subject</th>
                    <th scope="col">To</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  ${options.messages.map(
                    (m) =>
                      html`<tr>
                        <td data-label="Subject"><a href="${base}/${m.id}">${m.subject}</a></td>
                        <td data-label="To">${m.to_address}</td>
                        <td data-label="Status">${statusBadge(m.status)}</td>
                        <td data-label="Created">${time(m.created_at)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      ${pager(base, {}, options.nextCursor, options.firstPage)}`,
  );
}

export function mailDetailPage(options: Common & { message: MailRow }): Html {
  const m = options.message;
  const base = `/dashboard/tenants/${options.tenant.id}`;
  return layout(
    { title: `${m.subject} · Mail`, principal: options.principal, csrf: options.csrf, tenant: options.tenant, section: 'mail' },
    html`<h1>${m.subject}</h1>
      <dl class="facts">
        <div>
          <dt>To</dt>
          <dd>${m.to_address}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>${statusBadge(m.status)}${m.last_error ? html` <span class="error-text">${m.last_error}</span>` : ''}</dd>
        </div>
        <div>
          <dt>Created</dt>
          <dd>${time(m.created_at)}</dd>
        </div>
        <div>
          <dt>Sent</dt>
          <dd>${time(m.sent_at, 'not sent')}</dd>
        </div>
        ${
          m.invoice_id
            ? html`<div>
                <dt>Invoice</dt>
                <dd><a href="${base}/invoices/${m.invoice_id}">${m.invoice_id}</a></dd>
              </div>`
            : ''
        }
      </dl>
      ${
        m.html_body
          ? html`<h2>HTML part</h2>
              <p class="hint">As a mail client shows it, without scripts, and without images or anything else from other sites.</p>
              <iframe
                class="mail-html"
                title="HTML part of ${m.subject}"
                src="${base}/mail/${m.id}/html"
                sandbox=""
                referrerpolicy="no-referrer"
                loading="lazy"
              ></iframe>
              <h2>Text part</h2>`
          : html`<h2>Message</h2>`
      }
      <pre class="mail-body" tabindex="0">${m.text_body}</pre>
      <p><a href="${base}/mail">All mail</a></p>`,
  );
}
