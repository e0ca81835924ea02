import { createRoute, z } from '@hono/zod-openapi';
import { diagnoseInvoice, diagnosisView } from '../../billing/diagnosis';
import { createInvoiceInput } from '../../billing/invoice-input';
import {
  createInvoice,
  finalizeInvoice,
  listInvoicePage,
  requireInvoice,
  viewInvoice,
  viewInvoices,
  voidInvoice,
} from '../../billing/invoice-service';
import { invoiceView } from '../../billing/invoice-view';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../cursor';
import { newRouter } from '../router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../schemas';

const invoiceParams = tenantIdParam.extend({
  invoice_id: z.string().openapi({ param: { name: 'invoice_id', in: 'path' }, example: 'inv_…' }),
});
const base = '/api/v1/tenants/{tenant_id}/invoices';
const conflict = {
  409: {
    description: 'The invoice (or its connection) is in a state that does not allow this; the message says what to do.',
    content: errorResponses[422].content,
  },
};

const routes = {
  create: createRoute({
    method: 'post',
    path: base,
    summary: 'Create a draft invoice for a customer, paid later through a Stripe Payment Link',
    request: { params: tenantIdParam, ...jsonBody(createInvoiceInput) },
    responses: { 201: jsonResponse(invoiceView, 'The draft invoice.'), ...errorResponses, ...conflict },
  }),
  list: createRoute({
    method: 'get',
    path: base,
    summary: 'Invoices, newest first',
    request: {
      params: tenantIdParam,
      query: paginationQuery.extend({
        status: z.enum(['draft', 'open', 'paid', 'void', 'refunded']).optional(),
        connection_id: z.string().min(1).max(100).optional(),
        external_id: z.string().min(1).max(200).optional(),
      }),
    },
    responses: { 200: jsonResponse(listOf(invoiceView, 'InvoiceList'), 'Invoices.'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{invoice_id}`,
    summary: 'One invoice with its lines, payments and timeline',
    request: { params: invoiceParams },
    responses: { 200: jsonResponse(invoiceView, 'The invoice with its lines, payments and timeline.'), ...errorResponses },
  }),
  finalize: createRoute({
    method: 'post',
    path: `${base}/{invoice_id}/finalize`,
    summary: "Create the payment link in the tenant's Stripe account and email it; safe to retry",
    request: { params: invoiceParams },
    responses: { 200: jsonResponse(invoiceView, 'The open invoice with payment_link_url.'), ...errorResponses, ...conflict },
  }),
  void: createRoute({
    method: 'post',
    path: `${base}/{invoice_id}/void`,
    summary: 'Void a draft or open invoice; its payment link is deactivated',
    request: { params: invoiceParams },
    responses: { 200: jsonResponse(invoiceView, 'The void invoice.'), ...errorResponses, ...conflict },
  }),
  diagnosis: createRoute({
    method: 'get',
    path: `${base}/{invoice_id}/diagnosis`,
    summary: 'Why an invoice is not marked paid: link, events received for it, signature failures, processing errors, next steps',
    request: { params: invoiceParams },
    responses: { 200: jsonResponse(diagnosisView, 'The diagnosis.'), ...errorResponses },
  }),
};

export function invoiceRoutes(ctx: AppContext) {
  const router = newRouter();

  router.openapi(routes.create, async (c) => {
    const { tenant_id } = c.req.valid('param');
    return c.json(await createInvoice(ctx, tenant_id, c.req.valid('json')), 201);
  });

  router.openapi(routes.list, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { limit, cursor, status, connection_id, external_id } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listInvoicePage(
      ctx,
      { tenantId: tenant_id, status, connectionId: connection_id, externalId: external_id },
      { limit: limit + 1, before: before && { createdAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    return c.json({ data: await viewInvoices(ctx.store.db, page.rows), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(routes.get, async (c) => {
    const { tenant_id, invoice_id } = c.req.valid('param');
    return c.json(await viewInvoice(ctx.store.db, await requireInvoice(ctx, tenant_id, invoice_id)), 200);
  });

  router.openapi(routes.finalize, async (c) => {
    const { tenant_id, invoice_id } = c.req.valid('param');
    return c.json(await finalizeInvoice(ctx, tenant_id, invoice_id), 200);
  });

  router.openapi(routes.void, async (c) => {
    const { tenant_id, invoice_id } = c.req.valid('param');
    return c.json(await voidInvoice(ctx, tenant_id, invoice_id), 200);
  });

  router.openapi(routes.diagnosis, async (c) => {
    const { tenant_id, invoice_id } = c.req.valid('param');
    return c.json(await diagnoseInvoice(ctx, await requireInvoice(ctx, tenant_id, invoice_id)), 200);
  });

  return router;
}
