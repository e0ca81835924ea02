import type { Hono } from 'hono';
import { z } from 'zod';
import { noSuch } from '../core/errors';
import type { Sandbox } from '../core/sandbox';
import { billingSettings, setBillingSettings, setFailNext } from '../billing/settings';
import { control } from './respond';

const settingsSchema = z.object({
  account: z.string(),
  livemode: z.boolean().optional(),
  retry_days: z.array(z.coerce.number().int().min(0).max(60)).max(8).optional(),
  after_final_failure: z.enum(['cancel', 'unpaid', 'past_due']).optional(),
  upcoming_days: z.coerce.number().int().min(0).max(45).optional(),
  trial_will_end_days: z.coerce.number().int().min(0).max(30).optional(),
});

/** Billing switches: make the next renewal fail; set an account's retry and dunning settings. */
export function registerBillingRoutes(app: Hono, sandbox: Sandbox): void {
  for (const [object, word] of [
    ['subscription', 'subscription'],
    ['customer', 'customer'],
  ] as const) {
    app.post(
      `/_sandbox/${object}s/:id/fail_next_payment`,
      control((c) => {
        const id = c.req.param('id')!;
        if (!sandbox.store.locate(object, id)) throw noSuch(word, id);
        setFailNext(sandbox, id);
        return { id, fail_next_payment: true };
      }),
    );
  }

  app.post(
    '/_sandbox/billing_settings',
    control((_c, body) => {
      const input = settingsSchema.parse(body);
      if (!sandbox.accounts.get(input.account)) throw noSuch('account', input.account);
      const scope = { account: input.account, livemode: input.livemode ?? false };
      const next = setBillingSettings(sandbox, scope, {
        ...(input.retry_days ? { retryDays: input.retry_days } : {}),
        ...(input.after_final_failure ? { afterFinalFailure: input.after_final_failure } : {}),
        ...(input.upcoming_days !== undefined ? { upcomingDays: input.upcoming_days } : {}),
        ...(input.trial_will_end_days !== undefined ? { trialWillEndDays: input.trial_will_end_days } : {}),
      });
      return { ...next };
    }),
  );

  app.get(
    '/_sandbox/billing_settings/:account',
    control((c) => ({ ...billingSettings(sandbox, { account: c.req.param('account')!, livemode: false }) })),
  );
}
