import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { newRouter } from '../../http/router';
import { errorResponses, jsonBody, jsonResponse, tenantIdParam } from '../../http/schemas';
import { checkoutView, createCheckoutInput } from './checkout-input';
import { createCheckout, viewCheckout } from './checkout-service';

const base = '/api/v1/tenants/{tenant_id}/checkout-sessions';
const conflict = {
  409: {
    description: 'The plan, package or connection cannot sell right now; the message says what to fix.',
    content: errorResponses[422].content,
  },
};

const routes = {
  create: createRoute({
    method: 'post',
    path: base,
    summary: 'Start a Stripe Checkout for a plan (subscription) or a package (one-time); send the customer to `url`',
    request: { params: tenantIdParam, ...jsonBody(createCheckoutInput) },
    responses: { 201: jsonResponse(checkoutView, 'The session.'), ...errorResponses, ...conflict },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{checkout_id}`,
    summary: 'One checkout session and where its purchase stands',
    request: {
      params: tenantIdParam.extend({ checkout_id: z.string().openapi({ param: { name: 'checkout_id', in: 'path' }, example: 'chk_…' }) }),
    },
    responses: { 200: jsonResponse(checkoutView, 'The session and where its purchase stands.'), ...errorResponses },
  }),
};

export function checkoutRoutes(ctx: AppContext) {
  const router = newRouter();
  router.openapi(routes.create, async (c) => c.json(await createCheckout(ctx, c.req.valid('param').tenant_id, c.req.valid('json')), 201));
  router.openapi(routes.get, async (c) => {
    const { tenant_id, checkout_id } = c.req.valid('param');
    return c.json(await viewCheckout(ctx, tenant_id, checkout_id), 200);
  });
  return router;
}
