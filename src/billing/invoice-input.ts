import { z } from '@hono/zod-openapi';
import { isValidCurrencyCode } from '../money';
import { isStripeCurrency } from '../stripe/currencies';

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const noControl = (value: string) => !/[\u0000-\u001f\u007f]/.test(value);

/** A real day written YYYY-MM-DD (2026-02-30 is refused). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export const createInvoiceInput = z
  .object({
    connection_id: z.string().min(1).max(100),
    customer: z
      .object({
        email: z.email({ message: 'must be an email address such as ada@example.com' }).max(254),
        name: z.string().trim().min(1, 'must not be empty').max(200).refine(noControl, 'must not contain control characters'),
        external_id: z.string().min(1).max(200).optional(),
      })
      .strict(),
    currency: z
      .string()
      .refine(isValidCurrencyCode, { message: 'must be a three-letter ISO 4217 code such as USD, JPY or KWD', abort: true })
      .refine(
        isStripeCurrency,
        'is not a currency Stripe can charge in; use one from https://docs.stripe.com/currencies such as USD or EUR',
      )
      .transform((code) => code.toUpperCase())
      .openapi({ example: 'USD' }),
    lines: z
      .array(
        z
          .object({
            description: z.string().trim().min(1, 'must not be empty').max(500).refine(noControl, 'must not contain control characters'),
            quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000),
            unit_amount: z
              .number()
              .int('must be a whole number of minor units (2000 for USD 20.00)')
              .min(0, 'must not be negative')
              .openapi({ description: 'minor units', example: 2000 }),
          })
          .strict(),
      )
      .min(1, 'an invoice needs at least one line')
      .max(250, 'at most 250 lines'),
    external_id: z.string().min(1).max(200).optional().openapi({ description: "the platform's own reference, unique per tenant" }),
    due_date: z
      .string()
      .refine(isCalendarDate, 'must be a date written YYYY-MM-DD, such as 2026-12-31')
      .optional()
      .openapi({ description: 'the day payment is due (YYYY-MM-DD), shown on the invoice and in the mail' }),
  })
  .strict()
  .openapi('CreateInvoice');

export type CreateInvoiceInput = z.infer<typeof createInvoiceInput>;
