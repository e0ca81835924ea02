import { Hono } from 'hono';
import type { Principal } from '../src/auth/principal';
import { createInvoiceInput } from '../src/billing/invoice-input';
import { createInvoice, requireInvoice, viewInvoice } from '../src/billing/invoice-service';
import { listConnections } from '../src/connections/connection-service';
import type { AppContext } from '../src/context';
import { AppError } from '../src/errors';
import { parseMajorUnits } from '../src/money';
import type { Tenant } from '../src/store/schema';
import type { Html } from './layout';
import { emptyInvoiceForm, fieldIdFor, invoiceFormPage, LINE_ROWS, voidConfirmPage, type InvoiceFormValues } from './pages/invoice-actions';
import type { DashContext, DashboardEnv } from './session';

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

const text = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');

function readForm(body: Record<string, unknown>): InvoiceFormValues {
  return {
    connection_id: text(body, 'connection_id'),
    currency: text(body, 'currency').toUpperCase(),
    email: text(body, 'email'),
    name: text(body, 'name'),
    due_date: text(body, 'due_date'),
    external_id: text(body, 'external_id'),
    lines: Array.from({ length: LINE_ROWS }, (_, index) => ({
      description: text(body, `line-${index}-description`),
      quantity: text(body, `line-${index}-quantity`),
      unit_price: text(body, `line-${index}-unit_price`),
    })),
  };
}

/**
 * Turns the form into the API's input. Amounts are typed in major units and converted exactly by
 * parseMajorUnits (strings to integers, never through floating point); a row with only the default
 * quantity is empty. Problems are keyed by the form field id.
 */
function toApiInput(values: InvoiceFormValues): { input: unknown; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const lines: { description: string; quantity: number; unit_amount: number }[] = [];
  values.lines.forEach((line, index) => {
    if (!line.description && !line.unit_price && (!line.quantity || line.quantity === '1')) return;
    const at = lines.length;
    const field = (name: string) => `line-${index}-${name}`;
    const quantity = /^\d{1,9}$/.test(line.quantity) ? Number(line.quantity) : Number.NaN;
    if (Number.isNaN(quantity)) errors[field('quantity')] = `lines.${at}.quantity: must be a whole number`;
    let unitAmount = Number.NaN;
    if (!line.unit_price) errors[field('unit_price')] = `lines.${at}.unit_amount is required (number)`;
    else {
      try {
        unitAmount = parseMajorUnits(line.unit_price, values.currency || 'USD');
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        errors[field('unit_price')] = `lines.${at}.unit_amount: ${error.message}`;
      }
    }
    lines.push({ description: line.description, quantity, unit_amount: unitAmount });
  });
  const input = {
    connection_id: values.connection_id,
    customer: { email: values.email, name: values.name },
    currency: values.currency,
    lines,
    ...(values.due_date ? { due_date: values.due_date } : {}),
    ...(values.external_id ? { external_id: values.external_id } : {}),
  };
  return { input, errors };
}

/** Creating an invoice from the dashboard, and the confirmation before voiding one. */
export function invoiceActionRoutes(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const base = '/dashboard/tenants/:tid/invoices';
  const liveConnections = async (tenantId: string) =>
    (await listConnections(ctx, tenantId)).filter((connection) => !connection.disconnected_at);

  app.get(`${base}/new`, async (c) => {
    const connections = await liveConnections(c.get('tenant').id);
    return helpers.render(c, invoiceFormPage({ ...helpers.shared(c), connections, values: emptyInvoiceForm(connections), errors: {} }));
  });

  app.post(base, async (c) => {
    const tenant = c.get('tenant');
    const connections = await liveConnections(tenant.id);
    const values = readForm(await c.req.parseBody());
    const retry = (errors: Record<string, string>) =>
      helpers.render(c, invoiceFormPage({ ...helpers.shared(c), connections, values, errors }), 422);
    const { input, errors } = toApiInput(values);
    // The API's own schema, so the form and POST /invoices refuse the same things with the same words.
    const parsed = createInvoiceInput.safeParse(input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.join('.');
        const id = fieldIdFor(path);
        // A line index counts non-empty rows; map it back to the row the person typed in.
        const lineIndex = /^lines\.(\d+)\./.exec(path)?.[1];
        const rowId = lineIndex === undefined ? id : id.replace(/^line-\d+-/, `line-${rowOf(values, Number(lineIndex))}-`);
        errors[rowId] ??= path ? `${path}: ${issue.message}` : issue.message;
      }
    }
    if (Object.keys(errors).length > 0 || !parsed.success) return retry(errors);
    try {
      const invoice = await createInvoice(ctx, tenant.id, parsed.data);
      return c.redirect(`/dashboard/tenants/${tenant.id}/invoices/${invoice.id}?done=created`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
      const path = error.field ?? 'form';
      const lineIndex = /^lines\.(\d+)\./.exec(path)?.[1];
      const id = fieldIdFor(path);
      return retry({
        [lineIndex === undefined ? id : id.replace(/^line-\d+-/, `line-${rowOf(values, Number(lineIndex))}-`)]: error.message,
      });
    }
  });

  app.get(`${base}/:iid/void`, async (c) => {
    const tenant = c.get('tenant');
    const invoice = await requireInvoice(ctx, tenant.id, c.req.param('iid'));
    if (invoice.status !== 'draft' && invoice.status !== 'open')
      return c.redirect(`/dashboard/tenants/${tenant.id}/invoices/${invoice.id}`, 303);
    return helpers.render(c, voidConfirmPage({ ...helpers.shared(c), invoice: await viewInvoice(ctx.store.db, invoice) }));
  });

  return app;
}

/** The form row holding the n-th non-empty line. */
function rowOf(values: InvoiceFormValues, nth: number): number {
  let seen = -1;
  for (const [row, line] of values.lines.entries()) {
    if (!line.description && !line.unit_price && (!line.quantity || line.quantity === '1')) continue;
    seen += 1;
    if (seen === nth) return row;
  }
  return 0;
}
