import type { Hono } from 'hono';
import { z } from 'zod';
import { invalidRequest, noSuch } from '../core/errors';
import { isRecord, type StripeObject } from '../core/json';
import type { Sandbox } from '../core/sandbox';
import { chaosUpdateSchema } from '../delivery/chaos';
import { control, locate } from './respond';

const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** Clock, chaos, rate limit, deliveries log, arbitrary events, secret rolling, reset. */
export function registerOperationRoutes(app: Hono, sandbox: Sandbox): void {
  app.get(
    '/_sandbox/clock',
    control(() => ({ now: sandbox.clock.now() })),
  );
  app.post(
    '/_sandbox/clock/advance',
    control((_c, body) => {
      const { seconds } = z.object({ seconds: z.coerce.number().int().min(0) }).parse(body);
      sandbox.advanceClock(seconds);
      return { now: sandbox.clock.now() };
    }),
  );

  app.get(
    '/_sandbox/chaos',
    control(() => ({ ...sandbox.dispatcher.chaos })),
  );
  app.post(
    '/_sandbox/chaos',
    control((_c, body) => {
      return { ...sandbox.dispatcher.updateChaos(chaosUpdateSchema.parse(body)) };
    }),
  );

  app.post(
    '/_sandbox/rate_limit',
    control((_c, body) => {
      const input = z
        .object({ enabled: bool.default(true), requests: z.coerce.number().int().min(1).optional(), account: z.string().optional() })
        .parse(body);
      sandbox.rateLimit = { enabled: input.enabled, remaining: input.requests ?? null, account: input.account ?? null };
      return { ...sandbox.rateLimit };
    }),
  );

  app.get(
    '/_sandbox/deliveries',
    control((c) => {
      const { event_id, endpoint_id, account, type } = c.req.query();
      const data = sandbox.dispatcher.records.filter(
        (r) =>
          (!event_id || r.event_id === event_id) &&
          (!endpoint_id || r.endpoint_id === endpoint_id) &&
          (!account || r.account === account) &&
          (!type || r.event_type === type),
      );
      return { object: 'list', data };
    }),
  );

  app.post(
    '/_sandbox/events',
    control((_c, body) => {
      const input = z
        .object({
          account: z.string(),
          livemode: bool.default(false),
          type: z.string().regex(/^[a-z_]+(\.[a-z_]+)+$/),
          object: z.record(z.string(), z.unknown()),
          previous_attributes: z.record(z.string(), z.unknown()).optional(),
        })
        .parse(body);
      if (!sandbox.accounts.get(input.account)) throw noSuch('account', input.account);
      const object = input.object;
      if (typeof object.id !== 'string' || typeof object.object !== 'string')
        throw invalidRequest('`object` needs an `id` and an `object` name.', undefined, 'object');
      return sandbox.emit({ account: input.account, livemode: input.livemode }, input.type, object as StripeObject, {
        previousAttributes: isRecord(input.previous_attributes) ? input.previous_attributes : undefined,
      });
    }, 201),
  );

  app.post(
    '/_sandbox/webhook_endpoints/:id/roll_secret',
    control((c, body) => {
      const { expires_in_seconds } = z
        .object({
          expires_in_seconds: z.coerce
            .number()
            .int()
            .min(0)
            .max(7 * 24 * 3600)
            .default(24 * 3600),
        })
        .parse(body);
      const { data: endpoint } = locate(sandbox, 'webhook_endpoint', c.req.param('id')!);
      const secret = sandbox.secrets.roll(endpoint.id, sandbox.clock.now(), expires_in_seconds);
      const active = sandbox.secrets.active(endpoint.id, sandbox.clock.now());
      return { id: endpoint.id, secret, active_secrets: active.length, previous_expires_at: active[1]?.expiresAt ?? null };
    }),
  );

  app.post(
    '/_sandbox/reset',
    control(() => {
      sandbox.reset();
      return { reset: true };
    }),
  );
}
