import { Hono } from 'hono';
import { registerAccountSettingsRoutes } from './control/account-settings';
import { registerAccountRoutes } from './control/accounts';
import { registerBillingRoutes } from './control/billing';
import { registerOperationRoutes } from './control/operations';
import { registerPaymentOutcomeRoutes } from './control/payment-outcomes';
import { registerPaymentRoutes } from './control/payments';
import { Sandbox, type SandboxOptions } from './core/sandbox';
import { registerHostedPages } from './hosted/pages';
import { registerPortalPages } from './hosted/portal-page';
import { handleApiRequest } from './http/api';
import { buildRouteTable } from './http/route-table';
import { RESOURCES } from './resources/index';

export interface SandboxApp {
  app: Hono;
  sandbox: Sandbox;
}

/**
 * Builds the sandbox's HTTP app over a fresh in-memory state: Stripe's API under `/v1/`, the
 * control API under `/_sandbox/`, hosted payment pages under `/pay/`, `/checkout/`, `/3ds/`.
 * Listening is the caller's business (see `startSandbox`).
 */
export function createSandboxApp(options: SandboxOptions = {}): SandboxApp {
  const sandbox = new Sandbox(RESOURCES, options);
  const table = buildRouteTable(RESOURCES);
  const app = new Hono();
  const latencyMs = options.apiLatencyMs ?? 0;
  app.all('/v1/*', async (c) => {
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return handleApiRequest(c, sandbox, table);
  });
  registerAccountRoutes(app, sandbox);
  registerAccountSettingsRoutes(app, sandbox);
  registerPaymentRoutes(app, sandbox);
  registerBillingRoutes(app, sandbox);
  registerPaymentOutcomeRoutes(app, sandbox);
  registerOperationRoutes(app, sandbox);
  registerHostedPages(app, sandbox);
  registerPortalPages(app, sandbox);
  app.get('/', (c) => c.json({ name: 'paybridge-stripe-sandbox', api: '/v1', control: '/_sandbox' }));
  return { app, sandbox };
}
