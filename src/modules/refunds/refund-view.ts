import { z } from '@hono/zod-openapi';
import { formatMinorUnits } from '../../money';
import type { RefundRow } from '../../store/refunds-schema';

export const refundView = z
  .object({
    id: z.string(),
    stripe_refund_id: z.string(),
    payable: z.object({ type: z.string(), id: z.string() }),
    payment_id: z.string().nullable(),
    payment_intent_id: z.string().nullable(),
    charge_id: z.string().nullable(),
    amount: z.number().openapi({ description: 'minor units', example: 500 }),
    amount_display: z.string().openapi({ example: '5.00' }),
    currency: z.string().openapi({ example: 'USD' }),
    status: z.string().openapi({ description: 'pending, requires_action, succeeded, failed or canceled' }),
    reason: z.string().nullable(),
    failure_reason: z.string().nullable(),
    source: z.enum(['paybridge', 'stripe']).openapi({ description: 'paybridge: made through this API; stripe: made in Stripe directly' }),
    created: z.string(),
    updated_at: z.string(),
  })
  .openapi('Refund');

export type RefundView = z.infer<typeof refundView>;

export function toRefundView(row: RefundRow): RefundView {
  return {
    id: row.id,
    stripe_refund_id: row.stripe_refund_id,
    payable: { type: row.payable_type, id: row.payable_id },
    payment_id: row.payment_id,
    payment_intent_id: row.payment_intent_id,
    charge_id: row.charge_id,
    amount: Number(row.amount),
    amount_display: formatMinorUnits(BigInt(row.amount), row.currency),
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    failure_reason: row.failure_reason,
    source: row.source,
    created: new Date(row.stripe_created).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
