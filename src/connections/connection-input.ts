import { z } from '@hono/zod-openapi';
import { ALL_FEATURES } from '../stripe/features';

// Stripe keys and signing secrets are about 100 characters; a far longer paste is not one.
const KEY_TOO_LONG = 'is longer than any Stripe key or signing secret; paste the key alone';

const featureList = z
  .array(z.enum(ALL_FEATURES as [string, ...string[]]))
  .min(1, 'enable at least one feature')
  .openapi({ example: ['invoicing', 'payments'] });

export const createConnectionInput = z
  .object({
    name: z.string().trim().min(1, 'give the connection a name, such as "Main account"').max(200),
    secret_key: z.string().trim().min(1, 'paste the secret key (sk_…) or a restricted key (rk_…)').max(500, KEY_TOO_LONG),
    publishable_key: z.string().trim().min(1).max(500, KEY_TOO_LONG).optional(),
    account_id: z.string().trim().min(1).max(255, 'is longer than any Stripe account id (acct_…)').optional(),
    webhook_secret: z.string().trim().min(1).max(500, KEY_TOO_LONG).optional(),
    webhook_setup: z.enum(['auto', 'manual']).default('auto'),
    features: featureList.optional(),
    environment: z.string().trim().min(1).max(100).optional().openapi({ example: 'production' }),
  })
  .strict()
  .openapi('ConnectionCreate');

export type CreateConnectionInput = z.infer<typeof createConnectionInput>;

export const updateConnectionInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    secret_key: z.string().trim().min(1).max(500, KEY_TOO_LONG).optional(),
    publishable_key: z.string().trim().min(1).max(500, KEY_TOO_LONG).nullable().optional(),
    webhook_secret: z.string().trim().min(1).max(500, KEY_TOO_LONG).optional(),
    is_active: z.boolean().optional(),
    features: featureList.optional(),
    environment: z.string().trim().min(1).max(100).nullable().optional(),
  })
  .strict()
  .refine((value) => Object.keys(value).length > 0, { message: 'send at least one field to change' })
  .openapi('ConnectionUpdate');

export type UpdateConnectionInput = z.infer<typeof updateConnectionInput>;
