import type { Json } from '../core/json';
import { read, type Resource } from '../core/resource';
import { availableImmediately } from '../payments/payment-engine';

// Card funds settle two days after the charge in Stripe's default payout schedule; the sandbox
// clock moves them from `pending` to `available`.
const SETTLE_SECONDS = 2 * 24 * 60 * 60;

export const balance: Resource = {
  name: 'balance',
  routes: [
    {
      method: 'GET',
      path: '/v1/balance',
      permission: read('balance'),
      params: [],
      handle(ctx) {
        const now = ctx.sandbox.clock.now();
        const totals = new Map<string, { available: number; pending: number }>();
        totals.set(ctx.sandbox.accounts.get(ctx.scope.account)?.defaultCurrency ?? 'usd', { available: 0, pending: 0 });
        for (const charge of ctx.sandbox.store.list(ctx.scope, 'charge', (c) => c.status === 'succeeded')) {
          const currency = String(charge.currency);
          const entry = totals.get(currency) ?? { available: 0, pending: 0 };
          const net = Number(charge.amount) - Number(charge.amount_refunded ?? 0);
          if (Number(charge.created) + SETTLE_SECONDS <= now || availableImmediately(ctx, charge.id)) entry.available += net;
          else entry.pending += net;
          totals.set(currency, entry);
        }
        const side = (key: 'available' | 'pending'): Json[] =>
          [...totals].map(([currency, t]) => ({ amount: t[key], currency, source_types: { card: t[key] } }));
        return {
          object: 'balance',
          available: side('available'),
          connect_reserved: [...totals.keys()].map((currency) => ({ amount: 0, currency })),
          livemode: ctx.scope.livemode,
          pending: side('pending'),
        };
      },
    },
  ],
};
