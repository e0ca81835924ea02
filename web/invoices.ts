import { Hono } from 'hono';
import type { Principal } from '../src/auth/principal';
import { diagnoseInvoice } from '../src/billing/diagnosis';
import {
  customerEmails,
  finalizeInvoice,
  requireInvoice,
  searchInvoicePage,
  viewInvoice,
  voidInvoice,
} from '../src/billing/invoice-service';
import type { AppContext } from '../src/context';
import { AppError, notFound } from '../src/errors';
import { pageOf, readCursor } from '../src/http/cursor';
import { requireConnection } from '../src/connections/connection-service';
import { findTenantMail, listMailPage } from '../src/services/mail-service';
import type { Tenant } from '../src/store/schema';
import type { Html } from './layout';
import { INVOICE_STATUSES, invoiceDetailPage, invoicesPage, mailDetailPage, mailListPage } from './pages/invoices';
import type { DashContext, DashboardEnv } from './session';
import { readListFilters } from './list-filters';
import { twoWayPage } from './list-query';

const PAGE_SIZE = 50;

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

const NOTICES: Record<string, string> = {
  created: 'Draft created. Finalize it to create the payment link and mail it to the customer.',
  finalized: 'Finalized: the payment link is created and mailed to the customer.',
  voided: 'Voided; its payment link no longer takes payments.',
};

function page<T extends { created_at: Date; id: string }>(rows: T[]) {
  return pageOf(rows, PAGE_SIZE, (row) => ({ at: new Date(row.created_at), id: row.id }));
}

function before(cursor: string | undefined) {
  const value = readCursor(cursor);
  return value && { createdAt: value.at, id: value.id };
}

/** Invoices (list, detail with payments, timeline and diagnosis; finalize and void) and captured mail. */
export function invoiceRoutes(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const base = '/dashboard/tenants/:tid';

  app.get(`${base}/invoices`, async (c) => {
    const tenant = c.get('tenant');
    const filters = readListFilters((name) => c.req.query(name), INVOICE_STATUSES, 'an id, an external id or an email');
    const { position } = filters;
    const { rows, total } = await searchInvoicePage(
      ctx,
      { tenantId: tenant.id, status: filters.status, q: filters.q, createdFrom: filters.start, createdBefore: filters.end },
      { limit: PAGE_SIZE + 1, before: position.older, after: position.newer },
    );
    const result = twoWayPage(rows, PAGE_SIZE, position.newer ? 'newer' : 'older', position.paged, (row) => ({
      at: new Date(row.created_at),
      id: row.id,
    }));
    const customerIds = [...new Set(result.rows.map((row) => row.customer_id))];
    const emails = await customerEmails(ctx, tenant.id, customerIds);
    return helpers.render(
      c,
      invoicesPage({
        ...helpers.shared(c),
        filters,
        invoices: result.rows.map((row) => ({ ...row, customer_email: emails.get(row.customer_id) ?? null })),
        page: result,
        total,
        notice: filters.error ? { kind: 'error', text: filters.error } : undefined,
      }),
    );
  });

  const showInvoice = async (c: DashContext, notice?: { kind: 'ok' | 'error'; text: string }, status: 200 | 409 | 422 = 200) => {
    const tenant = c.get('tenant');
    const invoice = await requireInvoice(ctx, tenant.id, c.req.param('iid') ?? '');
    const [view, diagnosis, connection] = await Promise.all([
      viewInvoice(ctx.store.db, invoice),
      diagnoseInvoice(ctx, invoice),
      requireConnection(ctx, tenant.id, invoice.connection_id),
    ]);
    const done = c.req.query('done');
    return helpers.render(
      c,
      invoiceDetailPage({
        ...helpers.shared(c),
        invoice: view,
        diagnosis,
        connection,
        notice: notice ?? (done && NOTICES[done] ? { kind: 'ok', text: NOTICES[done] } : undefined),
      }),
      status,
    );
  };
  app.get(`${base}/invoices/:iid`, (c) => showInvoice(c));

  for (const [action, done, run] of [
    ['finalize', 'finalized', finalizeInvoice],
    ['void', 'voided', voidInvoice],
  ] as const) {
    app.post(`${base}/invoices/:iid/${action}`, async (c) => {
      const tenant = c.get('tenant');
      const invoice = await requireInvoice(ctx, tenant.id, c.req.param('iid'));
      try {
        await run(ctx, tenant.id, invoice.id);
      } catch (error) {
        if (!(error instanceof AppError) || error.status >= 500 || error.status === 404) throw error;
        return showInvoice(c, { kind: 'error', text: error.message }, error.status === 409 ? 409 : 422);
      }
      return c.redirect(`/dashboard/tenants/${tenant.id}/invoices/${invoice.id}?done=${done}`, 303);
    });
  }

  app.get(`${base}/mail`, async (c) => {
    const tenant = c.get('tenant');
    const cursor = c.req.query('cursor');
    const result = page(await listMailPage(ctx, { tenantId: tenant.id }, { limit: PAGE_SIZE + 1, before: before(cursor) }));
    return helpers.render(
      c,
      mailListPage({ ...helpers.shared(c), messages: result.rows, nextCursor: result.nextCursor, firstPage: !cursor }),
    );
  });

  app.get(`${base}/mail/:mid`, async (c) => {
    const tenant = c.get('tenant');
    const message = await findTenantMail(ctx, tenant.id, c.req.param('mid'));
    if (!message) throw notFound('mail', c.req.param('mid'));
    return helpers.render(c, mailDetailPage({ ...helpers.shared(c), message }));
  });

  // The HTML part alone, for the sandboxed frame of the page above (headers: web/mail-frame.ts).
  app.get(`${base}/mail/:mid/html`, async (c) => {
    const tenant = c.get('tenant');
    const message = await findTenantMail(ctx, tenant.id, c.req.param('mid'));
    if (!message?.html_body) throw notFound('mail HTML part', c.req.param('mid'));
    c.header('Cache-Control', 'no-store');
    return c.html(message.html_body);
  });

  return app;
}
