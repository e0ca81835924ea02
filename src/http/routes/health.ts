import { z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { checkMasterKey } from '../../crypto/master-key-check';
import { newRouter } from '../router';

const health = z.object({ status: z.literal('ok') }).openapi('Health');
const readiness = z
  .object({
    status: z.enum(['ready', 'unavailable']),
    store: z.enum(['ok', 'unreachable']),
    master_key: z.enum(['ok', 'nothing sealed yet', 'wrong']).optional(),
    message: z.string().optional().openapi({ description: 'What to do when the master key does not open the stored secrets.' }),
  })
  .openapi('Readiness');

/** Documents the three probes; they are plain handlers (no validation), so only their shapes are registered. */
function documentProbes(router: ReturnType<typeof newRouter>): void {
  const probe = { tags: ['Operations'], security: [] };
  router.openAPIRegistry.registerPath({
    ...probe,
    method: 'get',
    path: '/healthz',
    operationId: 'getHealth',
    summary: 'Liveness: the process answers HTTP',
    responses: { 200: { description: 'The process is up.', content: { 'application/json': { schema: health } } } },
  });
  router.openAPIRegistry.registerPath({
    ...probe,
    method: 'get',
    path: '/readyz',
    operationId: 'getReadiness',
    summary: 'Readiness: the store answers and the master key opens the stored secrets',
    responses: {
      200: { description: 'Ready to serve.', content: { 'application/json': { schema: readiness } } },
      503: {
        description: 'Not ready: the store is unreachable or the master key is wrong (the body says which).',
        content: { 'application/json': { schema: readiness } },
      },
    },
  });
  router.openAPIRegistry.registerPath({
    ...probe,
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics (text exposition format)',
    responses: { 200: { description: 'The metrics.', content: { 'text/plain': { schema: z.string() } } } },
  });
}

/** Liveness, readiness (the store answers) and Prometheus metrics; no token, no tenant data. */
export function healthRoutes(ctx: AppContext) {
  const router = newRouter();
  documentProbes(router);
  router.get('/healthz', (c) => c.json({ status: 'ok' }));
  router.get('/readyz', async (c) => {
    const storeOk = await ctx.store.ping();
    if (!storeOk) return c.json({ status: 'unavailable', store: 'unreachable' }, 503);
    const key = await checkMasterKey(ctx).catch(() => undefined);
    if (!key) return c.json({ status: 'unavailable', store: 'unreachable' }, 503);
    if (!key.ok) return c.json({ status: 'unavailable', store: 'ok', master_key: 'wrong', message: key.message }, 503);
    return c.json({ status: 'ready', store: 'ok', master_key: key.checked ? 'ok' : 'nothing sealed yet' }, 200);
  });
  router.get('/metrics', async (c) => {
    c.header('Content-Type', ctx.metrics.registry.contentType);
    return c.body(await ctx.metrics.registry.metrics());
  });
  return router;
}
