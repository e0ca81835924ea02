import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { pageOf, readCursor } from '../../http/cursor';
import { newRouter } from '../../http/router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../../http/schemas';
import { createPackageInput, createPlanInput, updatePlanInput } from './catalog-input';
import { packageView, planView, toPackageView, toPlanView } from './catalog-view';
import { changePlan, createPackage, createPlan, listPackages, listPlans, requirePackage, requirePlan } from './plans-service';

const plans = '/api/v1/tenants/{tenant_id}/plans';
const packages = '/api/v1/tenants/{tenant_id}/packages';
const planParams = tenantIdParam.extend({ plan_id: z.string().openapi({ param: { name: 'plan_id', in: 'path' }, example: 'plan_…' }) });
const packageParams = tenantIdParam.extend({
  package_id: z.string().openapi({ param: { name: 'package_id', in: 'path' }, example: 'pkg_…' }),
});

const routes = {
  createPlan: createRoute({
    method: 'post',
    path: plans,
    summary: 'Create a plan: Stripe prices of one connection and the entitlements a subscription to them gives',
    request: { params: tenantIdParam, ...jsonBody(createPlanInput) },
    responses: { 201: jsonResponse(planView, 'The plan.'), ...errorResponses },
  }),
  listPlans: createRoute({
    method: 'get',
    path: plans,
    summary: 'Plans, newest first',
    request: { params: tenantIdParam, query: paginationQuery },
    responses: { 200: jsonResponse(listOf(planView, 'PlanList'), 'Plans, newest first.'), ...errorResponses },
  }),
  getPlan: createRoute({
    method: 'get',
    path: `${plans}/{plan_id}`,
    summary: 'One plan',
    request: { params: planParams },
    responses: { 200: jsonResponse(planView, 'The plan.'), ...errorResponses },
  }),
  patchPlan: createRoute({
    method: 'patch',
    path: `${plans}/{plan_id}`,
    summary: "Change a plan's name, prices, entitlements or grace period; entitlement changes apply to its subscriptions at once",
    request: { params: planParams, ...jsonBody(updatePlanInput) },
    responses: { 200: jsonResponse(planView, 'The plan.'), ...errorResponses },
  }),
  createPackage: createRoute({
    method: 'post',
    path: packages,
    summary: 'Create a one-time package: a top-up (credits), a license (entitlements for a duration or forever), or both',
    request: { params: tenantIdParam, ...jsonBody(createPackageInput) },
    responses: { 201: jsonResponse(packageView, 'The package.'), ...errorResponses },
  }),
  listPackages: createRoute({
    method: 'get',
    path: packages,
    summary: 'Packages, newest first',
    request: { params: tenantIdParam, query: paginationQuery },
    responses: { 200: jsonResponse(listOf(packageView, 'PackageList'), 'Packages, newest first.'), ...errorResponses },
  }),
  getPackage: createRoute({
    method: 'get',
    path: `${packages}/{package_id}`,
    summary: 'One package',
    request: { params: packageParams },
    responses: { 200: jsonResponse(packageView, 'The package.'), ...errorResponses },
  }),
};

export function planRoutes(ctx: AppContext) {
  const router = newRouter();
  const position = (row: { created_at: Date; id: string }) => ({ at: new Date(row.created_at), id: row.id });

  router.openapi(routes.createPlan, async (c) =>
    c.json(toPlanView(await createPlan(ctx, c.req.valid('param').tenant_id, c.req.valid('json'))), 201),
  );
  router.openapi(routes.listPlans, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listPlans(ctx, c.req.valid('param').tenant_id, {
      limit: limit + 1,
      before: before && { createdAt: before.at, id: before.id },
    });
    const page = pageOf(rows, limit, position);
    return c.json({ data: page.rows.map(toPlanView), next_cursor: page.nextCursor }, 200);
  });
  router.openapi(routes.getPlan, async (c) => {
    const { tenant_id, plan_id } = c.req.valid('param');
    return c.json(toPlanView(await requirePlan(ctx, tenant_id, plan_id)), 200);
  });
  router.openapi(routes.patchPlan, async (c) => {
    const { tenant_id, plan_id } = c.req.valid('param');
    return c.json(toPlanView(await changePlan(ctx, tenant_id, plan_id, c.req.valid('json'))), 200);
  });
  router.openapi(routes.createPackage, async (c) =>
    c.json(toPackageView(await createPackage(ctx, c.req.valid('param').tenant_id, c.req.valid('json'))), 201),
  );
  router.openapi(routes.listPackages, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listPackages(ctx, c.req.valid('param').tenant_id, {
      limit: limit + 1,
      before: before && { createdAt: before.at, id: before.id },
    });
    const page = pageOf(rows, limit, position);
    return c.json({ data: page.rows.map(toPackageView), next_cursor: page.nextCursor }, 200);
  });
  router.openapi(routes.getPackage, async (c) => {
    const { tenant_id, package_id } = c.req.valid('param');
    return c.json(toPackageView(await requirePackage(ctx, tenant_id, package_id)), 200);
  });
  return router;
}
