import { z } from '@hono/zod-openapi';
import type { EntitlementSpec } from '../../store/subscriptions-schema';

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const noControl = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

const name = z.string().trim().min(1, 'must not be empty').max(200).refine(noControl, 'must not contain control characters');
export const priceId = z
  .string()
  .regex(
    /^(price|plan)_[A-Za-z0-9_]{1,200}$/,
    'must be a Stripe price id such as price_1Abc… (from the Stripe Dashboard or the imported catalog)',
  );
const entitlementKey = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, 'must be 1–100 letters, digits, ".", "_", ":" or "-", such as "pro" or "jobs.post"');
const entitlementValue = z.union([z.literal(true), z.number().int().min(0).max(1_000_000_000)]);

/**
 * Entitlements as a list of keys (`["pro", "jobs.post"]`, each granted as `true`), objects with a
 * value (`[{key: "seats", value: 5}]`), or a map (`{"pro": true, "seats": 5}`): integer values are
 * limits the check returns.
 */
export const entitlementsInput = z
  .union([
    z.array(z.union([entitlementKey, z.object({ key: entitlementKey, value: entitlementValue }).strict()])).max(100),
    z.record(entitlementKey, entitlementValue),
  ])
  .transform((input, ctx): EntitlementSpec[] => {
    const specs = Array.isArray(input)
      ? input.map((entry) => (typeof entry === 'string' ? { key: entry, value: true as const } : entry))
      : Object.entries(input).map(([key, value]) => ({ key, value }));
    const keys = new Set<string>();
    for (const spec of specs) {
      if (keys.has(spec.key)) ctx.addIssue({ code: 'custom', message: `lists "${spec.key}" twice; give each key once` });
      keys.add(spec.key);
    }
    return specs;
  })
  .openapi({ example: ['pro', 'jobs.post', { key: 'seats', value: 5 }] as unknown as string[] });

export const createPlanInput = z
  .object({
    connection_id: z.string().min(1).max(100),
    name,
    price_ids: z.array(priceId).min(1, 'must list at least one Stripe price').max(20),
    entitlements: entitlementsInput,
    grace_period_days: z
      .number()
      .int()
      .min(0)
      .max(90)
      .optional()
      .openapi({ description: 'Days a past_due subscription keeps access (default 0).' }),
  })
  .strict();

export const updatePlanInput = z
  .object({
    name: name.optional(),
    price_ids: z.array(priceId).min(1, 'must list at least one Stripe price').max(20).optional(),
    entitlements: entitlementsInput.optional(),
    grace_period_days: z.number().int().min(0).max(90).optional(),
  })
  .strict();

export const createPackageInput = z
  .object({
    connection_id: z.string().min(1).max(100),
    name,
    price_id: priceId,
    grants: z
      .object({
        credits: z
          .object({
            unit: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, 'must be lower case letters, digits and "_", such as job_credits'),
            amount: z.number().int().min(1).max(1_000_000_000),
            expires_after_days: z.number().int().min(1).max(3650).optional(),
          })
          .strict()
          .optional(),
        entitlements: entitlementsInput.optional(),
        duration_days: z
          .number()
          .int()
          .min(1)
          .max(3650)
          .optional()
          .openapi({ description: 'How long the entitlements last; absent = forever.' }),
      })
      .strict()
      .refine(
        (grants) => grants.credits || (grants.entitlements && grants.entitlements.length > 0),
        'must grant credits, entitlements or both',
      )
      .refine((grants) => grants.duration_days === undefined || grants.entitlements !== undefined, {
        message: 'duration_days applies to entitlements; add entitlements or drop duration_days',
        path: ['duration_days'],
      }),
  })
  .strict();

export type CreatePlanInput = z.infer<typeof createPlanInput>;
export type UpdatePlanInput = z.infer<typeof updatePlanInput>;
export type CreatePackageInput = z.infer<typeof createPackageInput>;
