import { viewInvoice } from '../../billing/invoice-view';
import type { Effects } from '../../domain/effects';
import type { FactOutcome } from '../../domain/module';
import { readPaybridgeMetadata, type PayableRef } from '../../domain/paybridge-metadata';
import { newId } from '../../ids';
import { addTimelineEntry } from '../../store/invoices';
import { lockRefund, recountInvoiceRefunds, saveRefund } from '../../store/refunds';
import type { RefundRow } from '../../store/refunds-schema';
import { formatMinorUnits } from '../../money';
import { lifecycleRank } from '../../webhooks/object-versions';
import { toRefundView } from './refund-view';
import { findRefundedPayment, lockRefundedPayment, recountRefundedPayment, type RefundedPayment } from './refunded-payment';

export interface RefundOwner {
  tenantId: string;
  connectionId: string;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const idOf = (value: unknown): string | null =>
  text(value) ?? (value && typeof value === 'object' ? text((value as { id?: unknown }).id) : null);

/** Which payment (and payable) a refund returns money from: its own metadata first, else its payment intent. */
async function locate(
  effects: Effects,
  owner: RefundOwner,
  refund: Record<string, unknown>,
): Promise<{ payable: PayableRef; payment: RefundedPayment | undefined } | undefined> {
  const paymentIntentId = idOf(refund.payment_intent);
  const stamped = readPaybridgeMetadata(refund).payable;
  const payment = paymentIntentId ? await findRefundedPayment(effects.trx, owner, paymentIntentId, stamped) : undefined;
  if (stamped) return { payable: stamped, payment };
  if (payment) return { payable: payment.payable, payment };
  return undefined;
}

/**
 * Records a refund's newest known version against its payment, whichever told us first: Paybridge's
 * own API answer or the `refund.*` event. A version earlier in the refund's lifecycle than the one
 * stored (a late `pending` after `succeeded`) changes nothing, and each domain event fires on the
 * transition into its status, so duplicates and replays record nothing twice.
 */
export async function applyRefund(effects: Effects, owner: RefundOwner, refund: Record<string, unknown>): Promise<FactOutcome> {
  const stripeRefundId = String(refund.id);
  const located = await locate(effects, owner, refund);
  if (!located) {
    return {
      status: 'ignored',
      reason: `refund ${stripeRefundId} is for payment ${idOf(refund.payment_intent) ?? '(none)'}, which no invoice or payment request of this tenant recorded; nothing to link it to`,
    };
  }
  if (located.payment) await lockRefundedPayment(effects.trx, located.payment);
  const existing = await lockRefund(effects.trx, owner.connectionId, stripeRefundId);
  const status = String(refund.status);
  if (existing && lifecycleRank({ object: 'refund', status }) < lifecycleRank({ object: 'refund', status: existing.status })) {
    return { status: 'processed', note: `refund ${stripeRefundId} is already ${existing.status}; this ${status} version is older` };
  }
  const currency = String(refund.currency ?? '').toUpperCase();
  const saved = await saveRefund(effects.trx, {
    id: existing?.id ?? newId('refund'),
    tenant_id: owner.tenantId,
    connection_id: owner.connectionId,
    stripe_refund_id: stripeRefundId,
    charge_id: idOf(refund.charge),
    payment_intent_id: idOf(refund.payment_intent),
    payable_type: located.payable.type,
    payable_id: located.payable.id,
    payment_id: located.payment?.invoicePaymentId ?? null,
    amount: Number(refund.amount),
    currency,
    status,
    reason: text(refund.reason),
    failure_reason: text(refund.failure_reason),
    source: readPaybridgeMetadata(refund).tenantId ? 'paybridge' : 'stripe',
    stripe_created: typeof refund.created === 'number' ? new Date(refund.created * 1000) : effects.now,
    updated_at: effects.now,
  });
  const payment = located.payment ? await recountRefundedPayment(effects.trx, located.payment) : undefined;
  if (existing?.status !== status) await recordTransition(effects, owner, saved, existing, payment);
  return { status: 'processed', note: `refund ${stripeRefundId} ${status} on ${located.payable.type} ${located.payable.id}` };
}

async function recordTransition(
  effects: Effects,
  owner: RefundOwner,
  refund: RefundRow,
  previous: RefundRow | undefined,
  payment: RefundedPayment | undefined,
): Promise<void> {
  const snapshot = {
    ...toRefundView(refund),
    payment: payment ? { id: payment.id, amount: payment.amount, refunded_amount: payment.refundedAmount } : null,
  };
  const display = `${formatMinorUnits(BigInt(refund.amount), refund.currency)} ${refund.currency}`;
  if (refund.status === 'succeeded') {
    effects.recordDomainEvent({
      tenantId: owner.tenantId,
      type: 'payment.refunded',
      object: { type: refund.payable_type, id: refund.payable_id },
      connectionId: owner.connectionId,
      snapshot,
    });
  }
  if (refund.status === 'failed') {
    effects.recordDomainEvent({
      tenantId: owner.tenantId,
      type: 'refund.failed',
      object: { type: refund.payable_type, id: refund.payable_id },
      connectionId: owner.connectionId,
      snapshot,
    });
  }
  if (refund.payable_type !== 'invoice' || !payment) return;
  const { before, after } = await recountInvoiceRefunds(effects.trx, refund.payable_id, effects.now);
  await addTimelineEntry(effects.trx, {
    invoiceId: after.id,
    kind: `refund_${refund.status}`,
    message: `Refund ${refund.stripe_refund_id} of ${display} ${refund.status}${refund.source === 'stripe' ? ' (made in Stripe)' : ''}${previous ? ` (was ${previous.status})` : ''}.`,
    at: effects.now,
    stripeEventId: effects.cause?.stripeEventId ?? null,
    dedupeKey: `refund:${refund.stripe_refund_id}:${refund.status}`,
  });
  if (before.status !== 'refunded' && after.status === 'refunded') {
    effects.recordDomainEvent({
      tenantId: owner.tenantId,
      type: 'invoice.refunded',
      object: { type: 'invoice', id: after.id },
      connectionId: owner.connectionId,
      snapshot: await viewInvoice(effects.trx, after),
    });
  }
}
