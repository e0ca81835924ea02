import type { Hono } from 'hono';
import { z } from 'zod';
import type { Sandbox } from '../core/sandbox';
import { completeThreeDSecure, settleAsyncPayment } from '../payments/payment-engine';
import { settlementOf } from '../payments/settlement';
import { paySession, sessionFromLink } from '../payments/pay-session';
import { expireSession } from '../resources/checkout-sessions';
import { invalidRequest } from '../core/errors';
import { control, locate } from './respond';

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const paySchema = z.object({
  card: z.string().default('4242424242424242'),
  email: z.string().optional(),
  name: z.string().optional(),
  async: bool.optional(),
  promotion_code: z.string().optional(),
});

/**
 * Paying and settling as a customer or bank would: pay a link or session with a test card,
 * finish 3-D Secure, settle an async payment, expire a session now.
 */
export function registerPaymentRoutes(app: Hono, sandbox: Sandbox): void {
  app.post(
    '/_sandbox/payment_links/:id/pay',
    control((c, body) => {
      const input = paySchema.parse(body);
      const { ctx, data: link } = locate(sandbox, 'payment_link', c.req.param('id')!);
      const session = sessionFromLink(ctx, link, input.email);
      paySession(ctx, session, input);
      return session;
    }),
  );

  app.post(
    '/_sandbox/checkout/sessions/:id/pay',
    control((c, body) => {
      const input = paySchema.parse(body);
      const { ctx, data: session } = locate(sandbox, 'checkout.session', c.req.param('id')!);
      paySession(ctx, session, { ...input, promotionCode: input.promotion_code });
      return session;
    }),
  );

  app.post(
    '/_sandbox/checkout/sessions/:id/expire',
    control((c) => {
      const { ctx, data: session } = locate(sandbox, 'checkout.session', c.req.param('id')!);
      if (session.status !== 'open') throw invalidRequest('Only Checkout Sessions with a status in ["open"] can be expired.');
      expireSession(ctx, session);
      return session;
    }),
  );

  app.post(
    '/_sandbox/payment_intents/:id/confirm_3ds',
    control((c, body) => {
      const { fail } = z.object({ fail: bool.optional() }).parse(body);
      const { ctx, data: pi } = locate(sandbox, 'payment_intent', c.req.param('id')!);
      completeThreeDSecure(ctx, pi, fail ? 'fail' : 'succeed');
      return pi;
    }),
  );

  app.post(
    '/_sandbox/payment_intents/:id/settle',
    control((c, body) => {
      const { outcome } = z.object({ outcome: z.enum(['succeeded', 'failed']).optional() }).parse(body);
      const { ctx, data: pi } = locate(sandbox, 'payment_intent', c.req.param('id')!);
      // Without an outcome, a bank debit ends as its test account number says; anything else clears.
      const bank = settlementOf(ctx, pi);
      settleAsyncPayment(
        ctx,
        pi,
        outcome ?? bank.outcome,
        (outcome ?? bank.outcome) === bank.outcome ? (bank.failureCode ?? undefined) : undefined,
      );
      return pi;
    }),
  );
}
