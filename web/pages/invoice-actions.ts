import { html } from 'hono/html';
import type { Principal } from '../../src/auth/principal';
import type { InvoiceView } from '../../src/billing/invoice-view';
import type { ConnectionRow, Tenant } from '../../src/store/schema';
import { actionButton, csrfField, describedBy, fieldError, layout, type Html } from '../layout';

type Common = { principal: Principal; csrf: string; tenant: Tenant };

/** Rows offered without JavaScript; empty rows are ignored, so five cover most invoices. */
export const LINE_ROWS = 5;

export interface InvoiceFormValues {
  connection_id: string;
  currency: string;
  email: string;
  name: string;
  due_date: string;
  external_id: string;
  lines: { description: string; quantity: string; unit_price: string }[];
}

export function emptyInvoiceForm(connections: ConnectionRow[]): InvoiceFormValues {
  return {
    connection_id: connections.length === 1 ? connections[0]!.id : '',
    currency: 'USD',
    email: '',
    name: '',
    due_date: '',
    external_id: '',
    lines: Array.from({ length: LINE_ROWS }, (_, index) => ({ description: '', quantity: index === 0 ? '1' : '', unit_price: '' })),
  };
}

/** Form field id for an API field path, so an error the API would give lands next to its input. */
export function fieldIdFor(path: string): string {
  const line = /^lines\.(\d+)\.(description|quantity|unit_amount)$/.exec(path);
  if (line) return `line-${line[1]}-${line[2] === 'unit_amount' ? 'unit_price' : line[2]}`;
  return (
    {
      connection_id: 'connection_id',
      currency: 'currency',
      'customer.email': 'email',
      'customer.name': 'name',
      due_date: 'due_date',
      external_id: 'external_id',
      lines: 'lines',
    }[path] ?? 'form'
  );
}

function input(
  id: string,
  label: Html | string,
  value: string,
  errors: Record<string, string>,
  extra: { type?: string; hint?: string; required?: boolean; inputmode?: string; maxlength?: number; autocomplete?: string } = {},
): Html {
  return html`<div class="field">
    <label for="${id}">${label}</label>
    <input
      id="${id}"
      name="${id}"
      type="${extra.type ?? 'text'}"
      value="${value}"
      ${extra.required ? html`required` : ''}
      ${extra.inputmode ? html`inputmode="${extra.inputmode}"` : ''}
      ${extra.maxlength ? html`maxlength="${extra.maxlength}"` : ''}
      ${extra.autocomplete ? html`autocomplete="${extra.autocomplete}"` : ''}
      ${describedBy(id, !!errors[id], !!extra.hint)}
    />
    ${extra.hint ? html`<p class="hint" id="${id}-hint">${extra.hint}</p>` : ''} ${fieldError(id, errors[id])}
  </div>`;
}

/** Create an invoice: the same checks and messages as POST /api/v1/tenants/{id}/invoices; amounts typed in major units. */
export function invoiceFormPage(
  options: Common & { connections: ConnectionRow[]; values: InvoiceFormValues; errors: Record<string, string> },
): Html {
  const base = `/dashboard/tenants/${options.tenant.id}`;
  const { values, errors, connections } = options;
  const errorCount = Object.keys(errors).length;
  return layout(
    {
      title: `New invoice · ${options.tenant.name}`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'invoices',
    },
    html`<h1>New invoice</h1>
      ${
        connections.length === 0
          ? html`<p class="empty">
              Invoices are paid through a connected Stripe account, and this tenant has none.
              <a href="${base}/connections/new">Connect a Stripe account</a> first.
            </p>`
          : html`${
                errorCount
                  ? html`<div class="notice error" role="alert" id="form-errors">
                      <p>${errorCount === 1 ? 'One thing to fix' : `${errorCount} things to fix`}; nothing was created.</p>
                      ${errors.form ? html`<p>${errors.form}</p>` : ''} ${errors.lines ? html`<p>${errors.lines}</p>` : ''}
                    </div>`
                  : ''
              }
              <form method="post" action="${base}/invoices" class="card form invoice-form" novalidate>
                ${csrfField(options.csrf)}
                <div class="field">
                  <label for="connection_id">Stripe connection</label>
                  <select id="connection_id" name="connection_id" ${describedBy('connection_id', !!errors.connection_id, false)}>
                    ${connections.length > 1 ? html`<option value="">Choose a connection</option>` : ''}
                    ${connections.map(
                      (c) =>
                        html`<option value="${c.id}" ${values.connection_id === c.id ? html`selected` : ''}>
                          ${c.name} (${c.mode}, ${c.id})
                        </option>`,
                    )}
                  </select>
                  ${fieldError('connection_id', errors.connection_id)}
                </div>
                ${input('email', 'Customer email', values.email, errors, { type: 'email', required: true, autocomplete: 'off', maxlength: 254, hint: 'The payment link is mailed here when you finalize.' })}
                ${input('name', 'Customer name', values.name, errors, { required: true, maxlength: 200, autocomplete: 'off' })}
                ${input('currency', 'Currency', values.currency, errors, { required: true, maxlength: 3, hint: 'Three letters, such as USD, EUR, JPY or KWD.' })}
                ${input('due_date', html`Due date <span class="optional">(optional)</span>`, values.due_date, errors, { type: 'date', hint: 'Today or later.' })}
                <fieldset class="lines">
                  <legend>Lines</legend>
                  <p class="hint" id="lines-hint">
                    Unit price in the currency's main unit, as printed on the invoice: 20.00 for twenty dollars, 500 for 500 yen, 1.250 for
                    1.250 dinars. Empty rows are left out.
                  </p>
                  ${values.lines.map(
                    (line, index) =>
                      html`<div class="line-row">
                        ${input(`line-${index}-description`, `Line ${index + 1} description`, line.description, errors, { maxlength: 500 })}
                        ${input(`line-${index}-quantity`, 'Quantity', line.quantity, errors, { inputmode: 'numeric' })}
                        ${input(`line-${index}-unit_price`, 'Unit price', line.unit_price, errors, { inputmode: 'decimal' })}
                      </div>`,
                  )}
                </fieldset>
                ${input('external_id', html`Your reference <span class="optional">(optional)</span>`, values.external_id, errors, { maxlength: 200, hint: 'Unique per tenant, such as your order number.' })}
                <div class="button-row">
                  <button type="submit">Create draft invoice</button>
                  <a class="button secondary" href="${base}/invoices">Cancel</a>
                </div>
                <p class="hint">The invoice is created as a draft; finalize it on the next page to create the payment link and mail it.</p>
              </form>`
      }`,
  );
}

/** What voiding does to this invoice, before it is done. */
export function voidConfirmPage(options: Common & { invoice: InvoiceView }): Html {
  const i = options.invoice;
  const base = `/dashboard/tenants/${options.tenant.id}/invoices/${i.id}`;
  return layout(
    {
      title: `Void invoice ${i.external_id ?? i.id}?`,
      principal: options.principal,
      csrf: options.csrf,
      tenant: options.tenant,
      section: 'invoices',
    },
    html`<h1>Void invoice <code>${i.external_id ?? i.id}</code>?</h1>
      <div class="card">
        <p><strong>${i.currency} ${i.amount_due_display}</strong> to ${i.customer.name} &lt;${i.customer.email}&gt;, now ${i.status}.</p>
        <ul>
          <li>The invoice becomes void: it can no longer be finalized or paid, and this cannot be undone.</li>
          ${
            i.payment_link_id && i.payment_link_active
              ? html`<li>
                  Its payment link <code>${i.payment_link_id}</code> is deactivated in Stripe right after, so the customer can no longer pay
                  through the mail they received.
                </li>`
              : html`<li>No payment link exists yet, so nothing changes in Stripe.</li>`
          }
          <li>The customer is not mailed about it.</li>
          <li>If a payment still arrives, it is recorded and the invoice is flagged for refund review.</li>
        </ul>
        <div class="button-row">
          ${actionButton({ action: `${base}/void`, csrf: options.csrf, label: 'Void the invoice', kind: 'danger' })}
          <a class="button secondary" href="${base}">Cancel</a>
        </div>
      </div>`,
  );
}
