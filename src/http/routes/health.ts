import { Hono } from 'hono';
import type { AppContext } from '../../context';

/** Liveness, readiness (the store answers) and Prometheus metrics; no token, no tenant data. */
export function healthRoutes(ctx: AppContext) {
  const router = new Hono();
  router.get('/healthz', (c) => c.json({ status: 'ok' }));
  router.get('/readyz', async (c) => {
    const storeOk = await ctx.store.ping();
    return c.json({ status: storeOk ? 'ready' : 'unavailable', store: storeOk ? 'ok' : 'unreachable' }, storeOk ? 200 : 503);
  });
  router.get('/metrics', async (c) => {
    c.header('Content-Type', ctx.metrics.registry.contentType);
    return c.body(await ctx.metrics.registry.metrics());
  });
  return router;
}
