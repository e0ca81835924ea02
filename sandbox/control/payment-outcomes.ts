import type { Hono } from 'hono';
import { z } from 'zod';
import type { Sandbox } from '../core/sandbox';
import { openDispute, resolveDispute } from '../payments/disputes';
import { completeSetupThreeDSecure } from '../payments/setup-engine';
import { automaticallyUpdate } from '../resources/payment-methods';
import { failRefund } from '../resources/refunds';
import { control, locate } from './respond';

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/**
 * What cardholders, issuers and card networks do after a payment: authenticate a SetupIntent,
 * dispute a charge and decide it, fail a refund, update a saved card.
 */
export function registerPaymentOutcomeRoutes(app: Hono, sandbox: Sandbox): void {
  app.post(
    '/_sandbox/setup_intents/:id/confirm_3ds',
    control((c, body) => {
      const { fail } = z.object({ fail: bool.optional() }).parse(body);
      const { ctx, data: seti } = locate(sandbox, 'setup_intent', c.req.param('id')!, 'setupintent');
      completeSetupThreeDSecure(ctx, seti, fail ? 'fail' : 'succeed');
      return seti;
    }),
  );

  app.post(
    '/_sandbox/charges/:id/dispute',
    control((c, body) => {
      const { reason } = z
        .object({ reason: z.enum(['fraudulent', 'inquiry', 'product_not_received']).default('fraudulent') })
        .strict()
        .parse(body);
      const { ctx, data: charge } = locate(sandbox, 'charge', c.req.param('id')!);
      return openDispute(ctx, charge, reason);
    }, 201),
  );

  for (const outcome of ['won', 'lost'] as const) {
    app.post(
      `/_sandbox/disputes/:id/${outcome === 'won' ? 'win' : 'lose'}`,
      control((c) => {
        const { ctx, data: dispute } = locate(sandbox, 'dispute', c.req.param('id')!);
        resolveDispute(ctx, dispute, outcome);
        return dispute;
      }),
    );
  }

  app.post(
    '/_sandbox/refunds/:id/fail',
    control((c, body) => {
      const { failure_reason } = z
        .object({
          failure_reason: z.enum(['expired_or_canceled_card', 'lost_or_stolen_card', 'unknown']).default('expired_or_canceled_card'),
        })
        .strict()
        .parse(body);
      const { ctx, data: refund } = locate(sandbox, 'refund', c.req.param('id')!);
      failRefund(ctx, refund, failure_reason);
      return refund;
    }),
  );

  app.post(
    '/_sandbox/payment_methods/:id/automatically_update',
    control((c, body) => {
      const changes = z
        .object({
          exp_month: z.coerce.number().int().min(1).max(12).optional(),
          exp_year: z.coerce.number().int().min(2000).max(2100).optional(),
          last4: z
            .string()
            .regex(/^\d{4}$/)
            .optional(),
        })
        .strict()
        .parse(body);
      const { ctx, data: pm } = locate(sandbox, 'payment_method', c.req.param('id')!, 'PaymentMethod');
      automaticallyUpdate(ctx, pm, changes);
      return pm;
    }),
  );
}
