import { z } from '@hono/zod-openapi';
import { isValidCurrencyCode } from '../../money';
import { isStripeCurrency } from '../../stripe/currencies';

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const noControl = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

export { PAYMENT_REQUEST_STATUSES } from './payment-request-statuses';

export const createPaymentRequestInput = z
  .object({
    connection_id: z.string().min(1).max(100),
    amount: z
      .number()
      .int('must be a whole number of minor units (2000 for USD 20.00)')
      .positive('must be more than zero')
      .openapi({ description: 'minor units', example: 2000 }),
    currency: z
      .string()
      .refine(isValidCurrencyCode, { message: 'must be a three-letter ISO 4217 code such as USD, JPY or KWD', abort: true })
      .refine(
        isStripeCurrency,
        'is not a currency Stripe can charge in; use one from https://docs.stripe.com/currencies such as USD or EUR',
      )
      .transform((code) => code.toUpperCase())
      .openapi({ example: 'USD' }),
    method: z.enum(['payment_link', 'payment_intent'], {
      message: 'must be "payment_link" (a hosted page URL for the customer) or "payment_intent" (a client_secret your app confirms)',
    }),
    description: z.string().trim().min(1).max(500).refine(noControl, 'must not contain control characters').optional(),
    customer: z
      .object({
        email: z.email({ message: 'must be an email address such as ada@example.com' }).max(254).optional(),
        name: z.string().trim().min(1).max(200).refine(noControl, 'must not contain control characters').optional(),
      })
      .strict()
      .optional(),
    flow_id: z.string().min(1).max(200).refine(noControl, 'must not contain control characters').optional().openapi({
      description: "the platform's own reference to the flow waiting on this payment (a conversation, an order)",
    }),
    return_url: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://shop.example/return' })
      .max(2000)
      .optional(),
    idempotency_key: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'a repeated create with the same key returns the request made the first time' }),
  })
  .strict()
  .openapi('CreatePaymentRequest');

export type CreatePaymentRequestInput = z.infer<typeof createPaymentRequestInput>;
