import type { Hono } from 'hono';
import { z } from 'zod';
import { noSuch } from '../core/errors';
import type { StripeObject } from '../core/json';
import type { Sandbox } from '../core/sandbox';
import { previousAttributes } from '../core/updates';
import { accountObject } from '../resources/account';
import { control } from './respond';

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const fields = z.array(z.string().min(1));

const settingsSchema = z
  .object({
    charges_enabled: bool.optional(),
    payouts_enabled: bool.optional(),
    capabilities: z.record(z.string(), z.enum(['active', 'inactive', 'pending'])).optional(),
    requirements: z
      .object({
        currently_due: fields.optional(),
        eventually_due: fields.optional(),
        past_due: fields.optional(),
        pending_verification: fields.optional(),
        disabled_reason: z.string().nullable().optional(),
        current_deadline: z.number().int().nullable().optional(),
      })
      .strict()
      .optional(),
    livemode: bool.optional(),
  })
  .strict();

/**
 * `POST /_sandbox/accounts/:id/settings`: what Stripe's risk and verification teams change on an
 * account (charges or payouts switched off, requirements due). Every change is an `account.updated`.
 */
export function registerAccountSettingsRoutes(app: Hono, sandbox: Sandbox): void {
  app.post(
    '/_sandbox/accounts/:id/settings',
    control((c, body) => {
      const id = c.req.param('id')!;
      const acct = sandbox.accounts.get(id);
      if (!acct) throw noSuch('account', id);
      const input = settingsSchema.parse(body);
      const before = accountObject(acct);
      if (input.charges_enabled !== undefined) acct.chargesEnabled = input.charges_enabled;
      if (input.payouts_enabled !== undefined) acct.payoutsEnabled = input.payouts_enabled;
      if (input.capabilities) acct.capabilities = { ...acct.capabilities, ...input.capabilities };
      if (input.requirements) acct.requirements = { ...acct.requirements, ...input.requirements };
      const after = accountObject(acct) as StripeObject;
      const previous = previousAttributes(before, after);
      if (Object.keys(previous).length > 0)
        sandbox.emit({ account: id, livemode: input.livemode ?? false }, 'account.updated', after, { previousAttributes: previous });
      return after;
    }),
  );
}
