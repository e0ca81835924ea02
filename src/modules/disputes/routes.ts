import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import { newRouter } from '../../http/router';
import { errorResponses, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../../http/schemas';
import { listDisputes, requireDispute } from './dispute-service';
import { DISPUTE_STATUSES, disputeView, toDisputeView } from './dispute-view';

const base = '/api/v1/tenants/{tenant_id}/disputes';

const routes = {
  list: createRoute({
    method: 'get',
    path: base,
    summary: 'Disputes on the tenant’s connected accounts, newest first; filter by Stripe status or open',
    request: {
      params: tenantIdParam,
      query: paginationQuery.extend({
        status: z.enum(DISPUTE_STATUSES, { message: `status must be one of ${DISPUTE_STATUSES.join(', ')}` }).optional(),
        open: z
          .enum(['true', 'false'], { message: 'open must be true or false' })
          .transform((value) => value === 'true')
          .optional(),
      }),
    },
    responses: { 200: jsonResponse(listOf(disputeView, 'DisputeList'), 'Disputes.'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{dispute_id}`,
    summary: 'One dispute with the payment and invoice (or payment request) it contests, amount, reason and evidence due date',
    request: {
      params: tenantIdParam.extend({ dispute_id: z.string().openapi({ param: { name: 'dispute_id', in: 'path' }, example: 'dp_…' }) }),
    },
    responses: { 200: jsonResponse(disputeView, 'The dispute.'), ...errorResponses },
  }),
};

export function disputeRoutes(ctx: AppContext) {
  const router = newRouter();
  router.openapi(routes.list, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { limit, cursor, status, open } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listDisputes(
      ctx,
      tenant_id,
      { status, open },
      { limit: limit + 1, before: before && { openedAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.opened_at), id: row.id }));
    return c.json({ data: page.rows.map(toDisputeView), next_cursor: page.nextCursor }, 200);
  });
  router.openapi(routes.get, async (c) => {
    const { tenant_id, dispute_id } = c.req.valid('param');
    return c.json(await requireDispute(ctx, tenant_id, dispute_id), 200);
  });
  return router;
}
