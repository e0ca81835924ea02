import { invalidRequest, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { clone, type Json, type StripeObject } from '../core/json';
import { paginate } from '../core/list';
import { applyMetadata, optionalEnum, optionalInteger, optionalString, rangeFilter } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';

// Refunds move money back on a succeeded charge. The charge keeps `amount_refunded` (integer
// minor units) and `refunded` (true once nothing is left) exact; each refund also appears in the
// charge's `refunds` list. Card refunds succeed at once; the control API can fail one later, as a
// closed card account does on Stripe.

const REASONS = ['duplicate', 'fraudulent', 'requested_by_customer'] as const;

function findRefund(ctx: ApiContext, id: string, param = 'id'): StripeObject {
  const refund = ctx.sandbox.store.get(ctx.scope, 'refund', id);
  if (!refund) throw noSuch('refund', id, param);
  return refund;
}

function chargeToRefund(ctx: ApiContext): StripeObject {
  const chargeId = optionalString(ctx.params, 'charge');
  const piId = optionalString(ctx.params, 'payment_intent');
  if (chargeId && piId) throw invalidRequest('You can only pass one of `charge` or `payment_intent`.', undefined, 'payment_intent');
  if (chargeId) {
    const charge = ctx.sandbox.store.get(ctx.scope, 'charge', chargeId);
    if (!charge) throw noSuch('charge', chargeId, 'charge');
    return charge;
  }
  if (!piId) throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
  const pi = ctx.sandbox.store.get(ctx.scope, 'payment_intent', piId);
  if (!pi) throw noSuch('payment_intent', piId, 'payment_intent');
  if (pi.status !== 'succeeded' || !pi.latest_charge)
    throw invalidRequest(
      `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`,
      'charge_not_refundable' as string,
      'payment_intent',
    );
  return ctx.sandbox.store.get(ctx.scope, 'charge', String(pi.latest_charge))!;
}

function refundableAmount(charge: StripeObject): number {
  return Number(charge.amount) - Number(charge.amount_refunded);
}

function assertRefundable(ctx: ApiContext, charge: StripeObject): void {
  if (charge.status !== 'succeeded' || charge.captured !== true)
    throw invalidRequest(`Charge ${charge.id} has not been captured; cancel its PaymentIntent instead.`, 'charge_not_refundable' as string);
  if (charge.refunded === true) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
  const dispute = ctx.sandbox.store.list(ctx.scope, 'dispute', (d) => d.charge === charge.id)[0];
  if (dispute && dispute.is_charge_refundable !== true)
    throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, 'charge_disputed');
}

/** Puts the refund at the head of the charge's `refunds` list (newest first, as Stripe lists it). */
function listOnCharge(charge: StripeObject, refund: StripeObject): void {
  const list = charge.refunds as Json;
  const data = (list.data as Json[]).filter((r) => r.id !== refund.id);
  list.data = [clone(refund), ...data];
  list.total_count = data.length + 1;
}

function emit(ctx: ApiContext, type: string, object: StripeObject, previous?: Json): void {
  ctx.sandbox.emit(ctx.scope, type, object, { request: ctx.request, previousAttributes: previous });
}

/** Refunds `amount` (default: what is left) of a charge: `charge.refunded`, then `refund.created`. */
function createRefund(
  ctx: ApiContext,
  charge: StripeObject,
  init: { amount?: number; reason?: string | null; metadata?: Record<string, string> },
): StripeObject {
  assertRefundable(ctx, charge);
  const left = refundableAmount(charge);
  const amount = init.amount ?? left;
  if (amount > left) {
    throw invalidRequest(
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${left}), in the currency's smallest unit.`,
      'amount_too_large',
      'amount',
    );
  }
  const method = charge.payment_method_details as Json;
  const refund: StripeObject = {
    id: newId('re', 24),
    object: 'refund',
    amount,
    balance_transaction: newId('txn', 24),
    charge: charge.id,
    created: ctx.sandbox.clock.now(),
    currency: charge.currency,
    customer: charge.customer ?? null,
    customer_account: null,
    destination_details:
      method.type === 'card'
        ? { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' }
        : { type: String(method.type), [String(method.type)]: {} },
    metadata: init.metadata ?? {},
    payment_intent: charge.payment_intent ?? null,
    payment_method: charge.payment_method ?? null,
    reason: init.reason ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
  };
  ctx.sandbox.store.insert(ctx.scope, refund);
  const before = snapshot(charge);
  charge.amount_refunded = Number(charge.amount_refunded) + amount;
  charge.refunded = refundableAmount(charge) === 0;
  listOnCharge(charge, refund);
  const previous = previousAttributes(before, charge);
  delete previous.refunds;
  emit(ctx, 'charge.refunded', charge, previous);
  emit(ctx, 'refund.created', refund);
  return refund;
}

/**
 * The refund did not reach the cardholder (closed account, expired card): Stripe marks it failed,
 * puts the money back on the balance and sends `charge.refund.updated`, `refund.updated`, `refund.failed`.
 */
export function failRefund(ctx: ApiContext, refund: StripeObject, reason = 'expired_or_canceled_card'): void {
  if (refund.status !== 'succeeded' && refund.status !== 'pending')
    throw invalidRequest(`Refund ${refund.id} has status ${String(refund.status)}; only a succeeded or pending refund can fail.`);
  const before = snapshot(refund);
  Object.assign(refund, { status: 'failed', failure_reason: reason, failure_balance_transaction: newId('txn', 24) });
  const previous = previousAttributes(before, refund);
  const charge = ctx.sandbox.store.get(ctx.scope, 'charge', String(refund.charge));
  if (charge) {
    charge.amount_refunded = Number(charge.amount_refunded) - Number(refund.amount);
    charge.refunded = false;
    listOnCharge(charge, refund);
  }
  emit(ctx, 'charge.refund.updated', refund, previous);
  emit(ctx, 'refund.updated', refund, previous);
  emit(ctx, 'refund.failed', refund);
}

export const refunds: Resource = {
  name: 'refunds',
  routes: [
    {
      method: 'POST',
      path: '/v1/refunds',
      permission: write('refund'),
      params: ['charge', 'payment_intent', 'amount', 'reason', 'metadata'],
      handle(ctx) {
        const charge = chargeToRefund(ctx);
        return createRefund(ctx, charge, {
          amount: optionalInteger(ctx.params, 'amount', 'amount', 1),
          reason: optionalEnum(ctx.params, 'reason', REASONS) ?? null,
          metadata: applyMetadata({}, ctx.params),
        });
      },
    },
    {
      method: 'GET',
      path: '/v1/refunds/:id',
      permission: read('refund'),
      params: [],
      handle: (ctx) => findRefund(ctx, ctx.path.id!),
    },
    {
      method: 'POST',
      path: '/v1/refunds/:id',
      permission: write('refund'),
      params: ['metadata'],
      handle(ctx) {
        const refund = findRefund(ctx, ctx.path.id!);
        const before = snapshot(refund);
        refund.metadata = applyMetadata(refund.metadata as Record<string, string>, ctx.params);
        const previous = previousAttributes(before, refund);
        if (Object.keys(previous).length > 0) {
          const charge = ctx.sandbox.store.get(ctx.scope, 'charge', String(refund.charge));
          if (charge) listOnCharge(charge, refund);
          emit(ctx, 'charge.refund.updated', refund, previous);
          emit(ctx, 'refund.updated', refund, previous);
        }
        return refund;
      },
    },
    {
      method: 'POST',
      path: '/v1/refunds/:id/cancel',
      permission: write('refund'),
      params: [],
      handle(ctx) {
        const refund = findRefund(ctx, ctx.path.id!);
        // Card refunds settle at once; Stripe cancels only refunds still waiting on the customer.
        if (refund.status !== 'requires_action')
          throw invalidRequest(
            `You can only cancel refunds with a status of requires_action; this refund has status ${String(refund.status)}.`,
            'refund_unexpected_state' as string,
          );
        const before = snapshot(refund);
        refund.status = 'canceled';
        emit(ctx, 'refund.updated', refund, previousAttributes(before, refund));
        return refund;
      },
    },
    {
      method: 'GET',
      path: '/v1/refunds',
      permission: read('refund'),
      params: ['limit', 'starting_after', 'ending_before', 'charge', 'payment_intent', 'created'],
      handle(ctx) {
        const charge = optionalString(ctx.params, 'charge');
        const paymentIntent = optionalString(ctx.params, 'payment_intent');
        const created = rangeFilter(ctx.params, 'created');
        const items = ctx.sandbox.store.list(
          ctx.scope,
          'refund',
          (r) => (!charge || r.charge === charge) && (!paymentIntent || r.payment_intent === paymentIntent) && created(Number(r.created)),
        );
        return paginate(items, ctx.params, '/v1/refunds', 'refund');
      },
    },
  ],
};
