import { z } from '@hono/zod-openapi';
import { priceId } from '../plans/catalog-input';

const returnUrl = z
  .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL such as https://platform.example/thanks' })
  .max(2000);

export const createCheckoutInput = z
  .object({
    customer: z.string().min(1).max(210).openapi({ description: 'cust_… or ext:{external_id}', example: 'ext:user_42' }),
    plan_id: z.string().min(1).max(100).optional(),
    package_id: z.string().min(1).max(100).optional(),
    price_id: priceId.optional().openapi({ description: "Which of the plan's prices to sell (default: its first)." }),
    quantity: z.number().int().min(1).max(1000).optional(),
    success_url: returnUrl,
    cancel_url: returnUrl,
    trial_days: z.number().int().min(1).max(730).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.plan_id && input.package_id)
      ctx.addIssue({
        code: 'custom',
        path: ['package_id'],
        message: 'give plan_id (a subscription) or package_id (a one-time purchase), not both',
      });
    if (!input.plan_id && !input.package_id)
      ctx.addIssue({ code: 'custom', path: ['plan_id'], message: 'give plan_id (a subscription) or package_id (a one-time purchase)' });
    if (input.trial_days !== undefined && !input.plan_id)
      ctx.addIssue({ code: 'custom', path: ['trial_days'], message: 'trial_days applies to plans only; drop it for a package' });
    if (input.price_id !== undefined && !input.plan_id)
      ctx.addIssue({ code: 'custom', path: ['price_id'], message: "price_id picks one of a plan's prices; a package has one price" });
  });

export type CreateCheckoutInput = z.infer<typeof createCheckoutInput>;

export const checkoutView = z
  .object({
    id: z.string().openapi({ example: 'chk_…' }),
    url: z.string().nullable().openapi({ description: "Stripe's hosted Checkout page: send the customer there." }),
    expires_at: z.string().nullable(),
    mode: z.enum(['subscription', 'payment']),
    status: z.enum(['open', 'pending', 'paid', 'failed', 'expired']),
    customer: z.string(),
    plan_id: z.string().nullable(),
    package_id: z.string().nullable(),
    subscription_id: z.string().nullable().openapi({ description: 'The Paybridge subscription this session creates (plans only).' }),
    stripe_session_id: z.string(),
    created_at: z.string(),
  })
  .openapi('CheckoutSession');
