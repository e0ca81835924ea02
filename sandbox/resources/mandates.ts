import { invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { optionalEnum, optionalRecord, optionalString } from '../core/params';
import { read, type ApiContext, type Resource } from '../core/resource';

/**
 * A mandate from `mandate_data[customer_acceptance]` (PaymentIntent or SetupIntent confirm): the
 * customer's recorded permission to debit the payment method later.
 */
export function createMandate(ctx: ApiContext, pm: StripeObject, data: Json, label = 'mandate_data'): StripeObject {
  const acceptance = optionalRecord(data, 'customer_acceptance', `${label}[customer_acceptance]`);
  if (!acceptance) throw missingParam(`${label}[customer_acceptance]`);
  for (const key of Object.keys(data))
    if (key !== 'customer_acceptance')
      throw invalidRequest(`Received unknown parameter: ${label}[${key}]`, 'parameter_unknown', `${label}[${key}]`);
  const type = optionalEnum(acceptance, 'type', ['online', 'offline'] as const, `${label}[customer_acceptance][type]`);
  if (!type) throw missingParam(`${label}[customer_acceptance][type]`);
  const online = optionalRecord(acceptance, 'online', `${label}[customer_acceptance][online]`);
  if (type === 'online' && !online) throw missingParam(`${label}[customer_acceptance][online]`);
  const methodType = String(pm.type);
  const mandate: StripeObject = {
    id: newId('mandate', 24),
    object: 'mandate',
    customer_acceptance: {
      accepted_at: ctx.sandbox.clock.now(),
      ...(type === 'online'
        ? {
            online: {
              ip_address: optionalString(online!, 'ip_address', `${label}[customer_acceptance][online][ip_address]`) ?? null,
              user_agent: optionalString(online!, 'user_agent', `${label}[customer_acceptance][online][user_agent]`) ?? null,
            },
          }
        : { offline: {} }),
      type,
    },
    livemode: ctx.scope.livemode,
    multi_use: {},
    payment_method: pm.id,
    payment_method_details: { type: methodType, [methodType]: {} },
    status: 'active',
    type: 'multi_use',
  };
  return ctx.sandbox.store.insert(ctx.scope, mandate);
}

export const mandates: Resource = {
  name: 'mandates',
  routes: [
    {
      method: 'GET',
      path: '/v1/mandates/:id',
      permission: read('mandate'),
      params: [],
      handle(ctx) {
        const mandate = ctx.sandbox.store.get(ctx.scope, 'mandate', ctx.path.id!);
        if (!mandate) throw noSuch('mandate', ctx.path.id!);
        return mandate;
      },
    },
  ],
};
