import type { Fact } from '../domain/facts';
import { readPaybridgeMetadata } from '../domain/paybridge-metadata';
import type { HandlerRegistry } from './registry';
import { idField, translateOwned } from './record-owned';
import type { HandlerInput } from './types';

const SUBSCRIPTION_TYPES = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.pending_update_expired',
] as const;
const INVOICE_TYPES = ['invoice.paid', 'invoice.payment_succeeded', 'invoice.payment_failed'] as const;

/** Subscriptions and their renewal invoices (Stripe's invoices, not Paybridge's own). */
export function registerSubscriptionHandlers(registry: HandlerRegistry): void {
  registry.on('subscription', SUBSCRIPTION_TYPES, async (input) =>
    translateOwned(
      input,
      (subscription, superseded) => {
        const { payable } = readPaybridgeMetadata(subscription);
        if (!payable) return [];
        const facts: Fact[] = [];
        if (!superseded)
          facts.push({
            kind: 'subscription.changed',
            payable,
            subscriptionId: String(subscription.id),
            status: String(subscription.status),
            versionCreated: input.object?.current.version_created ?? input.event.created,
            versionEventId: input.object?.current.version_event_id ?? input.event.id,
            object: subscription,
          });
        // The stored version stayed, but nothing says it is newer than this one: Stripe must be asked.
        const tie = input.object?.unsettledTie;
        if (tie)
          facts.push({
            kind: 'subscription.order_unsettled',
            payable,
            subscriptionId: String(subscription.id),
            created: tie.created,
            eventIds: tie.eventIds,
          });
        return facts;
      },
      (subscription) => `subscription ${typeof subscription.status === 'string' ? subscription.status : ''} recorded`,
    ),
  );
  registry.on('subscription_invoice', INVOICE_TYPES, async (input) =>
    translateOwned(
      input,
      (invoice, superseded) => invoiceFacts(input, invoice, superseded),
      () => 'subscription invoice recorded',
    ),
  );
}

/** The subscription an invoice bills: `parent.subscription_details` since API 2025-03, `subscription` before. */
function invoiceSubscriptionId(invoice: Record<string, unknown>): string | null {
  const parent = invoice.parent as { subscription_details?: { subscription?: unknown } } | null | undefined;
  const fromParent = parent?.subscription_details?.subscription;
  if (typeof fromParent === 'string') return fromParent;
  return idField(invoice, 'subscription');
}

/**
 * A paid invoice moves state forward, so it comes from the newest version only; a failed attempt is
 * history and counts from the event's own object (its attempt_count), even when superseded.
 */
function invoiceFacts(input: HandlerInput, newest: Record<string, unknown>, superseded: boolean): Fact[] {
  const own = input.event.data.object;
  const { payable } = readPaybridgeMetadata(own);
  if (!payable) return [];
  const common = {
    payable,
    invoiceId: String(own.id),
    subscriptionId: invoiceSubscriptionId(own),
    billingReason: typeof own.billing_reason === 'string' ? own.billing_reason : null,
    currency: String(own.currency).toUpperCase(),
    invoiceCreated: Number(own.created),
  };
  if (input.event.type === 'invoice.payment_failed') {
    return [
      {
        kind: 'subscription_invoice.failed',
        ...common,
        amountDue: Number(own.amount_due),
        attempt: Number(own.attempt_count ?? 1),
        nextAttemptAt: typeof own.next_payment_attempt === 'number' ? new Date(own.next_payment_attempt * 1000) : null,
        failedAt: new Date(input.event.created * 1000),
        object: own,
      },
    ];
  }
  if (superseded || newest.status !== 'paid') return [];
  const transitions = newest.status_transitions as { paid_at?: unknown } | undefined;
  const paidAt = typeof transitions?.paid_at === 'number' ? transitions.paid_at : input.event.created;
  return [
    {
      kind: 'subscription_invoice.paid',
      ...common,
      amountPaid: Number(newest.amount_paid),
      paidAt: new Date(paidAt * 1000),
      object: newest,
    },
  ];
}
