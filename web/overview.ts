import { Hono } from 'hono';
import type { Principal } from '../src/auth/principal';
import { listConnections, viewConnection } from '../src/connections/connection-service';
import type { AppContext } from '../src/context';
import { AppError } from '../src/errors';
import { openDisputesByUrgency } from '../src/modules/disputes/dispute-service';
import { eventActivityCharts, failingEndpoints, revenue, tenantsNeedingAttention } from '../src/services/overview-service';
import type { Tenant } from '../src/store/schema';
import type { Html } from './layout';
import { adminOverviewPage, tenantOverviewPage } from './pages/overview';
import type { DashContext, DashboardEnv } from './session';

interface Helpers {
  render: (c: DashContext, page: Html) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

/** The admin overview across tenants and each tenant's overview (health, activity charts, revenue, disputes, endpoints). */
export function overviewRoutes(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();

  app.get('/dashboard/overview', async (c) => {
    // A tenant session cannot tell an admin page from a missing one.
    if (c.get('principal').kind !== 'admin') throw new AppError({ code: 'not_found', status: 404, message: 'No such page.' });
    return helpers.render(
      c,
      adminOverviewPage({ principal: c.get('principal'), csrf: c.get('csrf'), tenants: await tenantsNeedingAttention(ctx) }),
    );
  });

  app.get('/dashboard/tenants/:tid/overview', async (c) => {
    const tenant = c.get('tenant');
    const [rows, charts, paid, disputes, endpoints] = await Promise.all([
      listConnections(ctx, tenant.id),
      eventActivityCharts(ctx, tenant.id),
      revenue(ctx, tenant.id),
      openDisputesByUrgency(ctx, tenant.id, 10),
      failingEndpoints(ctx, tenant.id, 10),
    ]);
    const connections = await Promise.all(rows.map((row) => viewConnection(ctx, row)));
    return helpers.render(c, tenantOverviewPage({ ...helpers.shared(c), connections, ...charts, revenue: paid, disputes, endpoints }));
  });

  return app;
}
