import { OpenAPIHono } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context';
import { requireTenantAccess, requireToken } from './auth-middleware';
import { errorBody } from '../errors';
import { handleError, validationError } from './error-handler';
import type { HonoEnv } from './hono-env';
import { limitBody } from './body-limit';
import { limitPerKey } from './key-limits';
import { rejectNulCharacters } from './reject-nul';
import { requestHeader } from './request-header';
import { connectionRoutes } from './routes/connections';
import { eventRoutes } from './routes/events';
import { invoiceRoutes } from './routes/invoices';
import { mailRoutes } from './routes/mail';
import { paymentRequestRoutes } from '../modules/payment-requests/routes';
import { healthRoutes } from './routes/health';
import { apiDocsRoutes } from './routes/api-docs';
import { methodNotAllowed } from './method-not-allowed';
import { serveOpenApiDocument } from './openapi-document';
import { tenantRoutes } from './routes/tenants';
import { webhookRoutes } from '../webhooks/receive-route';
import { outboundWebhookRoutes } from '../modules/outbound-webhooks/routes';
import { dashboardRoutes } from '../../web/routes';
import { customerRoutes } from '../modules/customers/routes';
import { creditRoutes } from '../modules/credits/routes';
import { planRoutes } from '../modules/plans/routes';
import { checkoutRoutes } from '../modules/checkout/routes';
import { subscriptionRoutes } from '../modules/subscriptions/routes';
import { entitlementRoutes } from '../modules/entitlements/routes';
import { catalogRoutes } from '../modules/catalog/routes';
import { refundRoutes } from '../modules/refunds/routes';
import { disputeRoutes } from '../modules/disputes/routes';
import { storedObjectRoutes } from '../modules/accounts/routes';

/**
 * The whole HTTP surface, built from a context and not yet listening, so tests call `app.request()`
 * and main.ts decides where to listen. Later capabilities mount their routers here.
 */
export function createApp(ctx: AppContext): OpenAPIHono<HonoEnv> {
  const app = new OpenAPIHono<HonoEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });

  app.use('*', async (c, next) => {
    const started = performance.now();
    const requestId = requestHeader(c, 'x-request-id') ?? randomUUID();
    c.set('requestId', requestId);
    // Set before the handler, so the response is built with it; setting a header on a finished
    // response makes Hono copy the whole response, a cost every webhook delivery paid.
    c.header('X-Request-Id', requestId);
    await next();
    // A handler that returned a ready-made Response (not built through `c`) did not take it.
    if (!c.res.headers.has('x-request-id')) c.header('X-Request-Id', requestId);
    // Path and status only: bodies and headers may carry keys, so they never reach the log.
    if (ctx.logger.isLevelEnabled('debug')) {
      ctx.logger.debug(
        { requestId, method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) },
        'request',
      );
    }
  });

  app.route('/', healthRoutes(ctx));
  app.route('/', webhookRoutes(ctx));

  app.use('/api/v1/*', limitBody());
  app.use('/api/v1/*', limitPerKey(ctx.config));
  app.use('/api/v1/*', requireToken(ctx));
  app.use('/api/v1/*', rejectNulCharacters());
  app.use('/api/v1/tenants/:tenant_id/*', requireTenantAccess());
  app.use('/api/v1/tenants/:tenant_id', requireTenantAccess());
  app.route('/', tenantRoutes(ctx));
  app.route('/', connectionRoutes(ctx));
  app.route('/', eventRoutes(ctx));
  app.route('/', invoiceRoutes(ctx));
  app.route('/', mailRoutes(ctx));
  app.route('/', customerRoutes(ctx));
  app.route('/', creditRoutes(ctx));
  app.route('/', planRoutes(ctx));
  app.route('/', checkoutRoutes(ctx));
  app.route('/', subscriptionRoutes(ctx));
  app.route('/', entitlementRoutes(ctx));
  app.route('/', paymentRequestRoutes(ctx));
  app.route('/', catalogRoutes(ctx));
  app.route('/', refundRoutes(ctx));
  app.route('/', disputeRoutes(ctx));
  app.route('/', storedObjectRoutes(ctx));
  app.route('/', outboundWebhookRoutes(ctx));
  app.route('/', dashboardRoutes(ctx));

  serveOpenApiDocument(app, {
    openapi: '3.0.3',
    info: { title: 'Paybridge API', version: '0.1.0', description: 'Stripe connections, webhook events and billing state per tenant.' },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.route('/', apiDocsRoutes());

  const wrongMethod = methodNotAllowed(() => app.routes, '/api/');
  app.notFound(
    (c) =>
      wrongMethod(c) ?? c.json(errorBody('route_not_found', `No route ${c.req.method} ${c.req.path}. See /api/docs for the API.`), 404),
  );
  app.onError(handleError(ctx));
  return app;
}
