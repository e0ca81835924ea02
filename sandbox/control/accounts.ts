import type { Hono } from 'hono';
import { z } from 'zod';
import { invalidRequest, noSuch } from '../core/errors';
import { normalizePermission, permissionName, type Permission } from '../core/permissions';
import type { Sandbox } from '../core/sandbox';
import { control } from './respond';

const accountSchema = z.object({
  email: z.string().email().optional(),
  business_name: z.string().optional(),
  country: z.string().length(2).optional(),
  default_currency: z.string().length(3).optional(),
});

const restrictedSchema = z.object({
  permissions: z.array(z.string()).min(1),
  livemode: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
});

/** `POST /_sandbox/accounts` and `POST /_sandbox/accounts/:id/restricted_keys`. */
export function registerAccountRoutes(app: Hono, sandbox: Sandbox): void {
  app.post(
    '/_sandbox/accounts',
    control((_c, body) => {
      const input = accountSchema.parse(body);
      const { account, keys } = sandbox.accounts.create({
        email: input.email ?? null,
        businessName: input.business_name ?? null,
        country: input.country?.toUpperCase(),
        defaultCurrency: input.default_currency?.toLowerCase(),
        created: sandbox.clock.now(),
      });
      return { id: account.id, ...keys };
    }),
  );

  app.post(
    '/_sandbox/accounts/:id/restricted_keys',
    control((c, body) => {
      const id = c.req.param('id')!;
      if (!sandbox.accounts.get(id)) throw noSuch('account', id);
      const input = restrictedSchema.parse(body);
      const permissions: Permission[] = input.permissions.map((raw) => {
        const permission = normalizePermission(raw);
        if (!permission)
          throw invalidRequest(
            `Unknown permission "${raw}": use Stripe's names such as rak_customer_write or rak_plan_read.`,
            undefined,
            'permissions',
          );
        return permission;
      });
      const key = sandbox.accounts.createRestrictedKey(id, input.livemode ?? false, permissions);
      return { key, livemode: input.livemode ?? false, permissions: permissions.map(permissionName) };
    }),
  );
}
