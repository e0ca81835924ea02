import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppContext } from '../context';
import { webhookReceiver } from './webhook-receiver';

/**
 * `POST /webhooks/stripe/{connection_id}` as a Hono route, for `app.request()` (the tests) and any
 * fetch-style host. A listening server answers these requests before Hono sees them
 * (src/http/webhook-listener.ts); both hand the delivery to the same receiver.
 */
export function webhookRoutes(ctx: AppContext) {
  const receive = webhookReceiver(ctx);
  const router = new Hono();
  router.post('/webhooks/stripe/:connection_id', async (c) => {
    const answer = await receive({
      connectionId: c.req.param('connection_id'),
      header: (name) => c.req.header(name),
      readBody: async () => new Uint8Array(await c.req.arrayBuffer()),
    });
    if (answer.retryAfterSeconds !== undefined) c.header('Retry-After', String(answer.retryAfterSeconds));
    return c.json(answer.body as object, answer.status as ContentfulStatusCode);
  });
  return router;
}
