import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import { newRouter } from '../../http/router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../../http/schemas';
import { listDeliveries, redeliver, viewDeliveries } from './deliveries-service';
import {
  createdEndpointView,
  createEndpointInput,
  deliveryView,
  endpointView as endpointSchema,
  rotatedSecretView,
  updateEndpointInput,
} from './endpoint-input';
import {
  changeEndpoint,
  createEndpoint,
  endpointView,
  listEndpoints,
  removeEndpoint,
  requireEndpoint,
  rotateSecret,
  sendPing,
} from './endpoints-service';
import { checkReceiver, receiverCheckView } from './receiver-check-service';

const endpointParams = tenantIdParam.extend({
  endpoint_id: z.string().openapi({ param: { name: 'endpoint_id', in: 'path' }, example: 'wep_…' }),
});
const deliveryParams = tenantIdParam.extend({
  delivery_id: z.string().openapi({ param: { name: 'delivery_id', in: 'path' }, example: 'wdl_…' }),
});
const base = '/api/v1/tenants/{tenant_id}/webhook-endpoints';
const conflict = {
  409: {
    description: 'The endpoint or delivery is in a state that does not allow this; the message says what to do.',
    content: errorResponses[422].content,
  },
};

const routes = {
  create: createRoute({
    method: 'post',
    path: base,
    summary: "Register the platform's webhook endpoint; the answer holds its signing secret, shown only once",
    request: { params: tenantIdParam, ...jsonBody(createEndpointInput) },
    responses: { 201: jsonResponse(createdEndpointView, 'The endpoint with its secret.'), ...errorResponses },
  }),
  list: createRoute({
    method: 'get',
    path: base,
    summary: 'Webhook endpoints, newest first',
    request: { params: tenantIdParam, query: paginationQuery },
    responses: { 200: jsonResponse(listOf(endpointSchema, 'WebhookEndpointList'), 'Endpoints.'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{endpoint_id}`,
    summary: 'One webhook endpoint (never its secret)',
    request: { params: endpointParams },
    responses: { 200: jsonResponse(endpointSchema, 'The endpoint (never its secret).'), ...errorResponses },
  }),
  update: createRoute({
    method: 'patch',
    path: `${base}/{endpoint_id}`,
    summary: 'Change the URL, event types or description; enable or disable',
    request: { params: endpointParams, ...jsonBody(updateEndpointInput) },
    responses: { 200: jsonResponse(endpointSchema, 'The updated endpoint.'), ...errorResponses },
  }),
  remove: createRoute({
    method: 'delete',
    path: `${base}/{endpoint_id}`,
    summary: 'Delete the endpoint with its secrets and delivery log',
    request: { params: endpointParams },
    responses: { 204: { description: 'Deleted.' }, ...errorResponses },
  }),
  rotate: createRoute({
    method: 'post',
    path: `${base}/{endpoint_id}/rotate-secret`,
    summary: 'New signing secret; the previous one keeps signing alongside it for 24 hours',
    request: { params: endpointParams },
    responses: { 200: jsonResponse(rotatedSecretView, 'The new secret, shown only once.'), ...errorResponses },
  }),
  test: createRoute({
    method: 'post',
    path: `${base}/{endpoint_id}/test`,
    summary: 'Queue a signed `ping` to the endpoint (in the delivery log like any delivery)',
    request: { params: endpointParams },
    responses: { 202: jsonResponse(deliveryView, 'The queued ping.'), ...errorResponses, ...conflict },
  }),
  check: createRoute({
    method: 'post',
    path: `${base}/{endpoint_id}/check`,
    summary: 'Check the receiver: forged and two-secret signatures, a duplicate webhook-id, an out-of-order pair',
    request: { params: endpointParams },
    responses: { 200: jsonResponse(receiverCheckView, 'What the receiver did with each test delivery.'), ...errorResponses, ...conflict },
  }),
  deliveries: createRoute({
    method: 'get',
    operationId: 'listWebhookDeliveries',
    path: `${base}/{endpoint_id}/deliveries`,
    summary: 'The delivery log, newest first: status, attempts, response code, time and first 1 KB of body, next retry',
    request: {
      params: endpointParams,
      query: paginationQuery.extend({ status: z.enum(['pending', 'delivering', 'succeeded', 'failed']).optional() }),
    },
    responses: { 200: jsonResponse(listOf(deliveryView, 'WebhookDeliveryList'), 'Deliveries.'), ...errorResponses },
  }),
  redeliver: createRoute({
    method: 'post',
    operationId: 'redeliverWebhookDelivery',
    path: '/api/v1/tenants/{tenant_id}/deliveries/{delivery_id}/redeliver',
    summary: 'Send a finished delivery again, with the same webhook-id',
    request: { params: deliveryParams },
    responses: { 202: jsonResponse(deliveryView, 'The delivery, queued again.'), ...errorResponses, ...conflict },
  }),
};

export function outboundWebhookRoutes(ctx: AppContext) {
  const router = newRouter();

  router.openapi(routes.create, async (c) => {
    const { tenant_id } = c.req.valid('param');
    return c.json(await createEndpoint(ctx, tenant_id, c.req.valid('json')), 201);
  });

  router.openapi(routes.list, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { limit, cursor } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listEndpoints(ctx, tenant_id, {
      limit: limit + 1,
      before: before && { createdAt: before.at, id: before.id },
    });
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    return c.json({ data: page.rows.map(endpointView), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(routes.get, async (c) => {
    const { tenant_id, endpoint_id } = c.req.valid('param');
    return c.json(endpointView(await requireEndpoint(ctx, tenant_id, endpoint_id)), 200);
  });

  router.openapi(routes.update, async (c) => {
    const { tenant_id, endpoint_id } = c.req.valid('param');
    return c.json(await changeEndpoint(ctx, tenant_id, endpoint_id, c.req.valid('json')), 200);
  });

  router.openapi(routes.remove, async (c) => {
    const { tenant_id, endpoint_id } = c.req.valid('param');
    await removeEndpoint(ctx, tenant_id, endpoint_id);
    return c.body(null, 204);
  });

  router.openapi(routes.rotate, async (c) => {
    const { tenant_id, endpoint_id } = c.req.valid('param');
    return c.json(await rotateSecret(ctx, tenant_id, endpoint_id), 200);
  });

  router.openapi(routes.test, async (c) => {
    const { tenant_id, endpoint_id } = c.req.valid('param');
    return c.json(await sendPing(ctx, tenant_id, endpoint_id), 202);
  });

  router.openapi(routes.check, async (c) => {
    const { tenant_id, endpoint_id } = c.req.valid('param');
    return c.json(await checkReceiver(ctx, tenant_id, endpoint_id), 200);
  });

  router.openapi(routes.deliveries, async (c) => {
    const { tenant_id, endpoint_id } = c.req.valid('param');
    const { limit, cursor, status } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listDeliveries(
      ctx,
      tenant_id,
      endpoint_id,
      { status },
      {
        limit: limit + 1,
        before: before && { createdAt: before.at, id: before.id },
      },
    );
    const page = pageOf(rows, limit, (row) => ({ at: new Date(row.created_at), id: row.id }));
    return c.json({ data: await viewDeliveries(ctx, page.rows), next_cursor: page.nextCursor }, 200);
  });

  router.openapi(routes.redeliver, async (c) => {
    const { tenant_id, delivery_id } = c.req.valid('param');
    return c.json(await redeliver(ctx, tenant_id, delivery_id), 202);
  });

  return router;
}
