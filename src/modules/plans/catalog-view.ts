import { z } from '@hono/zod-openapi';
import type { PackageRow, PlanRow } from '../../store/subscriptions-schema';

const spec = z.object({ key: z.string(), value: z.union([z.boolean(), z.number()]) });

export const planView = z
  .object({
    id: z.string().openapi({ example: 'plan_…' }),
    connection_id: z.string(),
    name: z.string(),
    price_ids: z.array(z.string()),
    entitlements: z.array(spec),
    grace_period_days: z.number(),
    status: z.enum(['active', 'needs_attention']),
    status_reason: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Plan');

export const packageView = z
  .object({
    id: z.string().openapi({ example: 'pkg_…' }),
    connection_id: z.string(),
    name: z.string(),
    price_id: z.string(),
    grants: z.object({
      credits: z.object({ unit: z.string(), amount: z.number(), expires_after_days: z.number().optional() }).optional(),
      entitlements: z.array(spec).optional(),
      duration_days: z.number().optional(),
    }),
    status: z.enum(['active', 'needs_attention']),
    status_reason: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('Package');

export function toPlanView(plan: PlanRow): z.infer<typeof planView> {
  return {
    id: plan.id,
    connection_id: plan.connection_id,
    name: plan.name,
    price_ids: plan.price_ids,
    entitlements: plan.entitlements,
    grace_period_days: plan.grace_period_days,
    status: plan.status,
    status_reason: plan.status_reason,
    created_at: new Date(plan.created_at).toISOString(),
    updated_at: new Date(plan.updated_at).toISOString(),
  };
}

export function toPackageView(pkg: PackageRow): z.infer<typeof packageView> {
  return {
    id: pkg.id,
    connection_id: pkg.connection_id,
    name: pkg.name,
    price_id: pkg.price_id,
    grants: pkg.grants,
    status: pkg.status,
    status_reason: pkg.status_reason,
    created_at: new Date(pkg.created_at).toISOString(),
  };
}
