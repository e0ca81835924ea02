import { Hono } from 'hono';
import type { AppContext } from '../../context';
import { checkMasterKey } from '../../crypto/master-key-check';

/** Liveness, readiness (the store answers) and Prometheus metrics; no token, no tenant data. */
export function healthRoutes(ctx: AppContext) {
  const router = new Hono();
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
