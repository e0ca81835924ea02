import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { newRouter } from '../../http/router';
import { errorResponses, jsonResponse, tenantIdParam } from '../../http/schemas';
import { lookUpStoredObject } from './object-service';

const storedObjectView = z
  .object({
    id: z.string(),
    object_type: z.string(),
    summary: z.string(),
    deleted: z.boolean(),
    version_event_id: z.string(),
    updated_at: z.string(),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('StoredObject');

const route = createRoute({
  method: 'get',
  operationId: 'getStoredObject',
  path: '/api/v1/tenants/{tenant_id}/connections/{connection_id}/objects/{stripe_id}',
  summary: 'The newest stored version of a Stripe object the connection received (issuing card, cardholder, payment method…)',
  request: {
    params: tenantIdParam.extend({
      connection_id: z.string().openapi({ param: { name: 'connection_id', in: 'path' }, example: 'conn_…' }),
      stripe_id: z
        .string()
        .min(1)
        .max(255)
        .openapi({ param: { name: 'stripe_id', in: 'path' }, example: 'ic_…' }),
    }),
  },
  responses: { 200: jsonResponse(storedObjectView, 'The object with a one-line summary.'), ...errorResponses },
});

export function storedObjectRoutes(ctx: AppContext) {
  const router = newRouter();
  router.openapi(route, async (c) => {
    const { tenant_id, connection_id, stripe_id } = c.req.valid('param');
    return c.json(await lookUpStoredObject(ctx, tenant_id, connection_id, stripe_id), 200);
  });
  return router;
}
