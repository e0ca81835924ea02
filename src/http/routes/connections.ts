import { createRoute, z } from '@hono/zod-openapi';
import { createConnectionInput, updateConnectionInput } from '../../connections/connection-input';
import {
  changeConnection,
  checkConnection,
  connectAccount,
  disconnectConnection,
  listConnectionPage,
  repairConnection,
  requireConnection,
  viewConnection,
} from '../../connections/connection-service';
import { connectionView } from '../../connections/connection-view';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../cursor';
import { newRouter } from '../router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../schemas';

const connectionParams = tenantIdParam.extend({
  connection_id: z.string().openapi({ param: { name: 'connection_id', in: 'path' }, example: 'conn_…' }),
});
const base = '/api/v1/tenants/{tenant_id}/connections';

const routes = {
  create: createRoute({
    method: 'post',
    path: base,
    summary: 'Connect a Stripe account (one mode) to a tenant',
    description:
      'Checks the keys (format, then live with Stripe), records the account id, probes the restricted-key permissions the features need and, with webhook_setup "auto", registers the webhook endpoint in the account. Connecting an account the tenant already connected in the same mode and environment updates that connection (200) instead of adding a second one.',
    request: { params: tenantIdParam, ...jsonBody(createConnectionInput) },
    responses: {
      201: jsonResponse(connectionView, 'The new connection; secrets appear only as hints.'),
      200: jsonResponse(connectionView, 'The existing connection for this account, reconnected with the new keys and features.'),
      ...errorResponses,
    },
  }),
  list: createRoute({
    method: 'get',
    path: base,
    summary: "List the tenant's live connections, newest first",
    request: { params: tenantIdParam, query: paginationQuery },
    responses: {
      200: jsonResponse(listOf(connectionView, 'ConnectionList'), "The tenant's connections, newest first."),
      ...errorResponses,
    },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{connection_id}`,
    summary: 'One connection',
    request: { params: connectionParams },
    responses: { 200: jsonResponse(connectionView, 'The connection.'), ...errorResponses },
  }),
  update: createRoute({
    method: 'patch',
    path: `${base}/{connection_id}`,
    summary: 'Rename, rotate keys or signing secret, enable/disable, change features',
    request: { params: connectionParams, ...jsonBody(updateConnectionInput) },
    responses: { 200: jsonResponse(connectionView, 'The updated connection.'), ...errorResponses },
  }),
  remove: createRoute({
    operationId: 'disconnectConnection',
    method: 'delete',
    path: `${base}/{connection_id}`,
    summary: 'Disconnect: stop accepting events, keep the history',
    request: { params: connectionParams },
    responses: { 200: jsonResponse(connectionView, 'The disconnected connection.'), ...errorResponses },
  }),
  check: createRoute({
    method: 'post',
    path: `${base}/{connection_id}/check`,
    summary: 'Re-run the live key check, the permission preflight and the webhook endpoint drift check',
    request: { params: connectionParams },
    responses: { 200: jsonResponse(connectionView, 'The connection with a fresh permission report and status.'), ...errorResponses },
  }),
  repair: createRoute({
    method: 'post',
    path: `${base}/{connection_id}/repair`,
    summary: 'Restore the webhook endpoint Paybridge manages (recreated with a new signing secret if it was deleted)',
    request: { params: connectionParams },
    responses: { 200: jsonResponse(connectionView, 'The repaired connection.'), ...errorResponses },
  }),
};

export function connectionRoutes(ctx: AppContext) {
  const router = newRouter();

  router.openapi(routes.create, async (c) => {
    const { row, reconnected } = await connectAccount(ctx, c.req.valid('param').tenant_id, c.req.valid('json'));
    const view = await viewConnection(ctx, row);
    return reconnected ? c.json(view, 200) : c.json(view, 201);
  });

  router.openapi(routes.list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listConnectionPage(ctx, c.req.valid('param').tenant_id, {
      limit: limit + 1,
      before: before && { createdAt: before.at, id: before.id },
    });
    const page = pageOf(rows, limit, (row) => ({ at: row.created_at, id: row.id }));
    return c.json({ data: await Promise.all(page.rows.map((row) => viewConnection(ctx, row))), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(routes.get, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    return c.json(await viewConnection(ctx, await requireConnection(ctx, tenant_id, connection_id)), 200);
  });

  router.openapi(routes.update, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    const row = await changeConnection(ctx, await requireConnection(ctx, tenant_id, connection_id), c.req.valid('json'));
    return c.json(await viewConnection(ctx, row), 200);
  });

  router.openapi(routes.remove, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    const row = await disconnectConnection(ctx, await requireConnection(ctx, tenant_id, connection_id));
    return c.json(await viewConnection(ctx, row), 200);
  });

  router.openapi(routes.check, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    const row = await checkConnection(ctx, await requireConnection(ctx, tenant_id, connection_id));
    return c.json(await viewConnection(ctx, row), 200);
  });

  router.openapi(routes.repair, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    const row = await repairConnection(ctx, await requireConnection(ctx, tenant_id, connection_id));
    return c.json(await viewConnection(ctx, row), 200);
  });

  return router;
}
