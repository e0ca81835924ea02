import { invalidRequest } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import type { ApiContext } from '../core/resource';
import { previousAttributes, snapshot } from '../core/updates';

// Stripe's dispute model (docs.stripe.com/disputes/how-disputes-work): a chargeback starts in
// `needs_response` and withdraws the funds plus a fee; an inquiry starts in
// `warning_needs_response` and moves no money. Submitting evidence moves either to `under_review`
// / `warning_under_review`; the issuer decides `won` (funds reinstated), `lost`, or, for an
// inquiry, `warning_closed`. In test mode Stripe decides on evidence text `winning_evidence` /
// `losing_evidence`; the control API decides on demand.

type DisputeKind = 'fraudulent' | 'inquiry' | 'product_not_received';

/** Stripe's dispute fee in the charge's minor unit (US: $15). */
const DISPUTE_FEE = 1500;
/** Evidence is due about three weeks after the dispute opens. */
const RESPONSE_WINDOW_SECONDS = 21 * 24 * 60 * 60;

export const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const;

const OPEN = ['warning_needs_response', 'warning_under_review', 'needs_response', 'under_review'];

function emit(ctx: ApiContext, type: string, dispute: StripeObject, previous?: Json): void {
  ctx.sandbox.emit(ctx.scope, type, dispute, { request: ctx.request, previousAttributes: previous });
}

function isInquiry(dispute: StripeObject): boolean {
  return String(dispute.status).startsWith('warning_');
}

function balanceTransaction(ctx: ApiContext, dispute: StripeObject, sign: 1 | -1): Json {
  const amount = sign * Number(dispute.amount);
  const fee = sign === -1 ? DISPUTE_FEE : -DISPUTE_FEE;
  return {
    id: newId('txn', 24),
    object: 'balance_transaction',
    amount,
    available_on: ctx.sandbox.clock.now(),
    created: ctx.sandbox.clock.now(),
    currency: dispute.currency,
    description: sign === -1 ? `Chargeback withdrawal for ${String(dispute.charge)}` : `Chargeback reversal for ${String(dispute.charge)}`,
    exchange_rate: null,
    fee,
    fee_details: [{ amount: fee, application: null, currency: dispute.currency, description: 'Dispute fee', type: 'stripe_fee' }],
    net: amount - fee,
    reporting_category: sign === -1 ? 'dispute' : 'dispute_reversal',
    source: dispute.id,
    status: 'available',
    type: 'adjustment',
  };
}

function withdrawFunds(ctx: ApiContext, dispute: StripeObject): void {
  const before = snapshot(dispute);
  (dispute.balance_transactions as Json[]).push(balanceTransaction(ctx, dispute, -1));
  dispute.is_charge_refundable = false;
  emit(ctx, 'charge.dispute.funds_withdrawn', dispute, previousAttributes(before, dispute));
}

/** The cardholder disputes a succeeded charge: `charge.dispute.created` (and `.funds_withdrawn` for a chargeback). */
export function openDispute(ctx: ApiContext, charge: StripeObject, kind: DisputeKind): StripeObject {
  if (charge.disputed === true) throw invalidRequest(`Charge ${charge.id} is already disputed.`, 'charge_disputed');
  if (charge.status !== 'succeeded')
    throw invalidRequest(`Only a succeeded charge can be disputed; ${charge.id} is ${String(charge.status)}.`);
  const card = ((charge.payment_method_details as Json).card ?? {}) as Json;
  const now = ctx.sandbox.clock.now();
  const inquiry = kind === 'inquiry';
  const dispute: StripeObject = {
    id: newId('dp', 24),
    object: 'dispute',
    amount: Number(charge.amount_captured) - Number(charge.amount_refunded),
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: { ...Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, null])), enhanced_evidence: {} },
    evidence_details: {
      due_by: now + RESPONSE_WINDOW_SECONDS,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: inquiry,
    livemode: ctx.scope.livemode,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: {
        brand: card.brand ?? 'visa',
        case_type: inquiry ? 'inquiry' : 'chargeback',
        network: card.brand ?? 'visa',
        network_reason_code: kind === 'product_not_received' ? '13.1' : '10.4',
      },
      type: 'card',
    },
    reason: kind === 'product_not_received' ? 'product_not_received' : 'fraudulent',
    status: inquiry ? 'warning_needs_response' : 'needs_response',
  };
  ctx.sandbox.store.insert(ctx.scope, dispute);
  charge.disputed = true;
  emit(ctx, 'charge.dispute.created', dispute);
  if (!inquiry) withdrawFunds(ctx, dispute);
  return dispute;
}

export function assertOpen(dispute: StripeObject): void {
  if (!OPEN.includes(String(dispute.status)))
    throw invalidRequest(
      `This dispute is already closed (status ${String(dispute.status)}); closed disputes cannot be changed.`,
      'dispute_already_closed' as string,
    );
}

/** Ends a dispute the way the issuer decides it, with Stripe's events. */
export function resolveDispute(ctx: ApiContext, dispute: StripeObject, outcome: 'won' | 'lost'): void {
  assertOpen(dispute);
  const before = snapshot(dispute);
  if (isInquiry(dispute)) {
    if (outcome === 'won') {
      dispute.status = 'warning_closed';
      emit(ctx, 'charge.dispute.closed', dispute, previousAttributes(before, dispute));
      return;
    }
    // A lost inquiry is one the issuer escalated to a chargeback that the merchant then lost.
    withdrawFunds(ctx, dispute);
  }
  if (outcome === 'won') {
    const reinstating = snapshot(dispute);
    (dispute.balance_transactions as Json[]).push(balanceTransaction(ctx, dispute, 1));
    emit(ctx, 'charge.dispute.funds_reinstated', dispute, previousAttributes(reinstating, dispute));
  }
  const closing = snapshot(dispute);
  dispute.status = outcome;
  emit(ctx, 'charge.dispute.closed', dispute, previousAttributes(closing, dispute));
}

/** `POST /v1/disputes/:id/close`: the merchant accepts the dispute (an inquiry just closes). */
export function acceptDispute(ctx: ApiContext, dispute: StripeObject): void {
  assertOpen(dispute);
  const before = snapshot(dispute);
  dispute.status = isInquiry(dispute) ? 'warning_closed' : 'lost';
  emit(ctx, 'charge.dispute.closed', dispute, previousAttributes(before, dispute));
}

/** Evidence submitted: the dispute goes to review, and test-mode evidence text decides it at once. */
export function submitEvidence(ctx: ApiContext, dispute: StripeObject): void {
  const details = dispute.evidence_details as Json;
  details.submission_count = Number(details.submission_count) + 1;
  dispute.status = isInquiry(dispute) ? 'warning_under_review' : 'under_review';
}

/** Stripe's test-mode magic values in `evidence[uncategorized_text]`. */
export function testModeVerdict(dispute: StripeObject): 'won' | 'lost' | undefined {
  const text = (dispute.evidence as Json).uncategorized_text;
  if (text === 'winning_evidence') return 'won';
  if (text === 'losing_evidence') return 'lost';
  return undefined;
}
