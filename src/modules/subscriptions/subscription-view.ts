import { z } from '@hono/zod-openapi';
import type { SubscriptionRow } from '../../store/subscriptions-schema';

const iso = (date: Date | string | null) => (date === null ? null : new Date(date).toISOString());

export const subscriptionView = z
  .object({
    id: z.string().openapi({ example: 'psub_…' }),
    customer: z.string().openapi({ example: 'cust_…' }),
    plan_id: z.string().nullable(),
    connection_id: z.string(),
    stripe_subscription_id: z.string().nullable(),
    status: z.string().openapi({ description: "Stripe's status of the newest version received", example: 'active' }),
    current_period_end: z.string().nullable(),
    cancel_at_period_end: z.boolean(),
    cancel_at: z.string().nullable(),
    trial_end: z.string().nullable(),
    ended_at: z.string().nullable(),
    latest_invoice: z
      .object({ id: z.string(), status: z.string().nullable(), amount_paid: z.number().nullable(), currency: z.string().nullable() })
      .nullable(),
    as_of: z.string().nullable().openapi({ description: 'When the newest Stripe event this reflects was created.' }),
    created_at: z.string(),
  })
  .openapi('Subscription');

export type SubscriptionView = z.infer<typeof subscriptionView>;

export function toSubscriptionView(sub: SubscriptionRow): SubscriptionView {
  return {
    id: sub.id,
    customer: sub.customer_id,
    plan_id: sub.plan_id,
    connection_id: sub.connection_id,
    stripe_subscription_id: sub.stripe_subscription_id,
    status: sub.status,
    current_period_end: iso(sub.current_period_end),
    cancel_at_period_end: sub.cancel_at_period_end,
    cancel_at: iso(sub.cancel_at),
    trial_end: iso(sub.trial_end),
    ended_at: iso(sub.ended_at),
    latest_invoice: sub.latest_invoice_id
      ? {
          id: sub.latest_invoice_id,
          status: sub.latest_invoice_status,
          amount_paid: sub.latest_invoice_amount_paid === null ? null : Number(sub.latest_invoice_amount_paid),
          currency: sub.latest_invoice_currency,
        }
      : null,
    as_of: sub.version_created === null ? null : new Date(Number(sub.version_created) * 1000).toISOString(),
    created_at: new Date(sub.created_at).toISOString(),
  };
}
