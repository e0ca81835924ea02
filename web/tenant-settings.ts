import { Hono, type MiddlewareHandler } from 'hono';
import type { Principal } from '../src/auth/principal';
import type { AppContext } from '../src/context';
import { AppError } from '../src/errors';
import { checkTenantName, deleteTenant, planTenantDeletion, renameTenant } from '../src/services/tenant-service';
import type { Tenant } from '../src/store/schema';
import type { Html } from './layout';
import { tenantDeleteConfirmPage, tenantSettingsPage } from './pages/tenant-settings';
import type { DashContext, DashboardEnv } from './session';

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 409 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

function formName(body: Record<string, unknown>): string {
  return typeof body.name === 'string' ? body.name : '';
}

/** Rename and delete a tenant (admin only, like creating one); deleting goes through a confirmation page. */
export function tenantSettingsRoutes(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const base = '/dashboard/tenants/:tid';
  const adminOnly: MiddlewareHandler<DashboardEnv> = async (c, next) => {
    if (c.get('principal').kind !== 'admin') throw new AppError({ code: 'not_found', status: 404, message: 'No such page.' });
    await next();
  };

  app.get(`${base}/settings`, adminOnly, (c) =>
    helpers.render(
      c,
      tenantSettingsPage({
        ...helpers.shared(c),
        name: c.get('tenant').name,
        notice: c.req.query('done') === 'renamed' ? { kind: 'ok', text: 'Renamed.' } : undefined,
      }),
    ),
  );

  app.post(`${base}/rename`, adminOnly, async (c) => {
    const name = formName(await c.req.parseBody());
    const tenant = c.get('tenant');
    try {
      checkTenantName(name);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return helpers.render(c, tenantSettingsPage({ ...helpers.shared(c), name, nameError: error.message }), 422);
    }
    await renameTenant(ctx, tenant.id, name);
    return c.redirect(`/dashboard/tenants/${tenant.id}/settings?done=renamed`, 303);
  });

  app.get(`${base}/delete`, adminOnly, async (c) =>
    helpers.render(c, tenantDeleteConfirmPage({ ...helpers.shared(c), plan: await planTenantDeletion(ctx, c.get('tenant').id) })),
  );

  app.post(`${base}/delete`, adminOnly, async (c) => {
    const tenant = c.get('tenant');
    try {
      await deleteTenant(ctx, tenant.id);
    } catch (error) {
      // Something started meanwhile (a connection, an invoice finalized): show the page again with what to do.
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      return helpers.render(c, tenantDeleteConfirmPage({ ...helpers.shared(c), plan: await planTenantDeletion(ctx, tenant.id) }), 409);
    }
    return c.redirect('/dashboard/tenants?done=tenant_deleted', 303);
  });

  return app;
}
