import { z } from '@hono/zod-openapi';

/** A unit names what credits buy (`job_credits`, `api.calls`): lowercase, starting with a letter, at most 64 characters. */
export const UNIT_PATTERN = /^[a-z][a-z0-9_.]{0,63}$/;

/** Large enough for any real balance, small enough that sums stay exact in a JS number and a bigint column. */
export const MAX_CREDIT_AMOUNT = 1_000_000_000_000;

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const noControl = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

export const unitField = z
  .string()
  .regex(UNIT_PATTERN, 'must be a lowercase name such as job_credits or api.calls: a letter, then letters, digits, "_" or ".", 64 at most')
  .openapi({ example: 'job_credits' });

export const amountField = z
  .number({ message: 'must be a whole number of credits such as 1' })
  .int('must be a whole number of credits such as 1')
  .min(1, 'must be at least 1 (a debit or hold takes credits; to give credits back, release a hold or grant)')
  .max(MAX_CREDIT_AMOUNT, `must be at most ${MAX_CREDIT_AMOUNT}`)
  .openapi({ example: 1 });

export const idempotencyKeyField = z
  .string({ message: 'is required: a key of your own (such as your job id) so that a retried request is applied once' })
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine(noControl, 'must not contain control characters')
  .openapi({ example: 'job_4821' });

const reasonField = z.string().trim().max(500, 'must be at most 500 characters').refine(noControl, 'must not contain control characters');

export const debitInput = z
  .object({ unit: unitField, amount: amountField, idempotency_key: idempotencyKeyField, reason: reasonField.optional() })
  .strict()
  .openapi('CreditDebitInput');

export const holdInput = z
  .object({
    unit: unitField,
    amount: amountField,
    idempotency_key: idempotencyKeyField,
    expires_in: z
      .number()
      .int('must be a whole number of seconds')
      .min(1, 'must be at least 1 second')
      .max(30 * 86_400, 'must be at most 2592000 seconds (30 days)')
      .default(3600)
      .openapi({ description: 'Seconds until the hold releases itself; default 3600.', example: 600 }),
    reason: reasonField.optional(),
  })
  .strict()
  .openapi('CreditHoldInput');

export const captureInput = z
  .object({
    amount: amountField.optional().openapi({ description: 'At most the held amount; defaults to all of it. The rest is released.' }),
  })
  .strict()
  .openapi('CreditCaptureInput');

export const grantInput = z
  .object({
    unit: unitField,
    amount: amountField,
    idempotency_key: idempotencyKeyField,
    kind: z.enum(['paid', 'granted']).default('granted').openapi({ description: 'Default granted (goodwill, promotions).' }),
    expires_in_days: z.number().int('must be a whole number of days').min(1).max(3650).optional(),
    reason: reasonField.optional(),
  })
  .strict()
  .openapi('CreditGrantInput');

export type DebitInput = z.infer<typeof debitInput>;
export type HoldInput = z.infer<typeof holdInput>;
export type CaptureInput = z.infer<typeof captureInput>;
export type GrantInput = z.infer<typeof grantInput>;
