import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { listMailPage } from '../../services/mail-service';
import { pageOf, readCursor } from '../cursor';
import { newRouter } from '../router';
import { errorResponses, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../schemas';

const mailView = z
  .object({
    id: z.string(),
    invoice_id: z.string().nullable(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    status: z
      .enum(['pending', 'sent', 'captured', 'failed'])
      .openapi({ description: 'captured = kept here because PAYBRIDGE_SMTP_URL is not set' }),
    transport: z.string().nullable(),
    attempts: z.number(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    sent_at: z.string().nullable(),
  })
  .openapi('Mail');

const route = createRoute({
  method: 'get',
  operationId: 'listMail',
  path: '/api/v1/tenants/{tenant_id}/mail',
  summary: 'Mail Paybridge sent or captured for the tenant (invoice emails), newest first',
  request: { params: tenantIdParam, query: paginationQuery.extend({ invoice_id: z.string().min(1).max(100).optional() }) },
  responses: { 200: jsonResponse(listOf(mailView, 'MailList'), 'Mail.'), ...errorResponses },
});

export function mailRoutes(ctx: AppContext) {
  const router = newRouter();
  router.openapi(route, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { limit, cursor, invoice_id } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listMailPage(
      ctx,
      { tenantId: tenant_id, invoiceId: invoice_id },
      { limit: limit + 1, before: before && { createdAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    return c.json(
      {
        data: page.rows.map((row) => ({
          id: row.id,
          invoice_id: row.invoice_id,
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
          status: row.status,
          transport: row.transport,
          attempts: row.attempts,
          last_error: row.last_error,
          created_at: new Date(row.created_at).toISOString(),
          sent_at: row.sent_at ? new Date(row.sent_at).toISOString() : null,
        })),
        next_cursor: page.nextCursor,
      },
      200,
    );
  });
  return router;
}
