import { OpenAPIHono } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../context';
import { requireTenantAccess, requireToken } from './auth-middleware';
import { errorBody, handleError, validationError } from './error-handler';
import type { HonoEnv } from './hono-env';
import { rejectNulCharacters } from './reject-nul';
import { connectionRoutes } from './routes/connections';
import { eventRoutes } from './routes/events';
import { invoiceRoutes } from './routes/invoices';
import { mailRoutes } from './routes/mail';
import { healthRoutes } from './routes/health';
import { tenantRoutes } from './routes/tenants';
import { webhookRoutes } from '../webhooks/receive-route';
import { dashboardRoutes } from '../../web/routes';

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
    c.set('requestId', c.req.header('x-request-id') ?? randomUUID());
    await next();
    c.header('X-Request-Id', c.get('requestId'));
    // Path and status only: bodies and headers may carry keys, so they never reach the log.
    ctx.logger.debug({ requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });

  app.route('/', healthRoutes(ctx));
  app.route('/', webhookRoutes(ctx));

  app.use('/api/v1/*', requireToken(ctx));
  app.use('/api/v1/*', rejectNulCharacters());
  app.use('/api/v1/tenants/:tenant_id/*', requireTenantAccess());
  app.use('/api/v1/tenants/:tenant_id', requireTenantAccess());
  app.route('/', tenantRoutes(ctx));
  app.route('/', connectionRoutes(ctx));
  app.route('/', eventRoutes(ctx));
  app.route('/', invoiceRoutes(ctx));
  app.route('/', mailRoutes(ctx));
  app.route('/', dashboardRoutes(ctx));

  app.doc('/api/openapi.json', {
    openapi: '3.0.3',
    info: { title: 'Paybridge API', version: '0.1.0', description: 'Stripe connections, webhook events and billing state per tenant.' },
    security: [{ bearer: [] }],
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  app.notFound((c) => c.json(errorBody('route_not_found', `No route ${c.req.method} ${c.req.path}. See /api/openapi.json for the API.`), 404));
  app.onError(handleError(ctx));
  return app;
}
