import type { PayableRef } from './paybridge-metadata';

/**
 * What a Stripe event means for Paybridge, decided by the handlers in src/handlers/ from the object's
 * newest stored version. Business modules receive these, never raw events: a module does not need to
 * know which of Stripe's several events (checkout session, payment intent…) told us a payment
 * succeeded. Facts with a `payable` are routed to the module owning that payable type; the others
 * (catalog, account) go to every module that listens for their kind.
 */
export type Fact =
  | PaymentSucceeded
  | PaymentPending
  | PaymentFailed
  | PaymentRequiresAction
  | PaymentProcessing
  | PaymentCanceled
  | CheckoutExpired
  | SubscriptionChanged
  | SubscriptionOrderUnsettled
  | SubscriptionInvoicePaid
  | SubscriptionInvoiceFailed
  | RefundChanged
  | RefundRecorded
  | DisputeChanged
  | CatalogChanged
  | CustomerChanged
  | AccountChanged;

export type FactKind = Fact['kind'];
export type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;

/** Money arrived for the payable: exactly once per provider payment id, whichever event told us. */
export interface PaymentSucceeded {
  readonly kind: 'payment.succeeded';
  readonly payable: PayableRef;
  /** The payment intent id (or the session id when a session carries none): the business key. */
  readonly providerPaymentId: string;
  readonly checkoutSessionId: string | null;
  /** Minor units. */
  readonly amount: number;
  /** Upper case ISO code. */
  readonly currency: string;
  readonly paidAt: Date;
  readonly object: Record<string, unknown>;
}

/** A checkout completed but its payment is still settling (a bank debit): not paid yet. */
export interface PaymentPending {
  readonly kind: 'payment.pending';
  readonly payable: PayableRef;
  readonly checkoutSessionId: string;
  readonly paymentStatus: string;
  readonly object: Record<string, unknown>;
}

/** One payment attempt failed; the payable may still be paid by another. */
export interface PaymentFailed {
  readonly kind: 'payment.failed';
  readonly payable: PayableRef;
  readonly source: 'checkout_session' | 'payment_intent';
  /** The session or payment intent that failed. */
  readonly objectId: string;
  /** Distinguishes attempts on one payment intent (charge id, else the event id). */
  readonly attemptId: string;
  /** Stripe's code, decline code and message, when it gave them. */
  readonly failure: string | null;
  readonly object: Record<string, unknown>;
  /**
   * True when a newer version of the object is stored (a retry already moved it on): the failure is
   * history to record, not the object's current state.
   */
  readonly superseded?: boolean;
}

/** The customer must act (3-D Secure, a redirect) before the payment can go on. */
export interface PaymentRequiresAction {
  readonly kind: 'payment.requires_action';
  readonly payable: PayableRef;
  readonly paymentIntentId: string;
  readonly object: Record<string, unknown>;
}

/** The payment was submitted and is settling (a bank debit, an asynchronous card): neither paid nor failed yet. */
export interface PaymentProcessing {
  readonly kind: 'payment.processing';
  readonly payable: PayableRef;
  readonly paymentIntentId: string;
  readonly object: Record<string, unknown>;
}

/** The payment intent was canceled (by Paybridge, the platform, or Stripe when its Checkout Session expired). */
export interface PaymentCanceled {
  readonly kind: 'payment.canceled';
  readonly payable: PayableRef;
  readonly paymentIntentId: string;
  readonly object: Record<string, unknown>;
}

export interface CheckoutExpired {
  readonly kind: 'checkout.expired';
  readonly payable: PayableRef;
  readonly checkoutSessionId: string;
  readonly object: Record<string, unknown>;
}

export interface SubscriptionChanged {
  readonly kind: 'subscription.changed';
  readonly payable: PayableRef;
  readonly subscriptionId: string;
  readonly status: string;
  /** The stored version this fact was read from (its event's `created`, epoch seconds, and id): how fresh the state is. */
  readonly versionCreated: number;
  readonly versionEventId: string;
  readonly object: Record<string, unknown>;
}

/**
 * Two versions of a subscription share their event `created` second and nothing in them says which
 * came last (active → past_due → active in one second): the stored state is provisional until the
 * subscription is read from Stripe again.
 */
export interface SubscriptionOrderUnsettled {
  readonly kind: 'subscription.order_unsettled';
  readonly payable: PayableRef;
  readonly subscriptionId: string;
  /** The shared second (epoch seconds) and the two events. */
  readonly created: number;
  readonly eventIds: readonly [string, string];
}

/** An invoice of a subscription (its first or a renewal) is paid: exactly once per invoice, whichever event said so. */
export interface SubscriptionInvoicePaid {
  readonly kind: 'subscription_invoice.paid';
  readonly payable: PayableRef;
  readonly invoiceId: string;
  readonly subscriptionId: string | null;
  /** Stripe's `billing_reason`: `subscription_create` for the first invoice, `subscription_cycle` for a renewal. */
  readonly billingReason: string | null;
  /** Minor units. */
  readonly amountPaid: number;
  /** Upper case ISO code. */
  readonly currency: string;
  readonly paidAt: Date;
  /** The invoice's own `created` (epoch seconds): orders invoices when choosing the latest. */
  readonly invoiceCreated: number;
  readonly object: Record<string, unknown>;
}

/** One payment attempt on a subscription's invoice failed; counts even when a newer version is stored (history). */
export interface SubscriptionInvoiceFailed {
  readonly kind: 'subscription_invoice.failed';
  readonly payable: PayableRef;
  readonly invoiceId: string;
  readonly subscriptionId: string | null;
  readonly billingReason: string | null;
  /** Minor units still due. */
  readonly amountDue: number;
  readonly currency: string;
  /** Stripe's `attempt_count` after this attempt: distinguishes attempts on one invoice. */
  readonly attempt: number;
  readonly nextAttemptAt: Date | null;
  readonly failedAt: Date;
  readonly invoiceCreated: number;
  readonly object: Record<string, unknown>;
}

export interface RefundChanged {
  readonly kind: 'refund.changed';
  readonly payable: PayableRef;
  readonly chargeId: string;
  /** Minor units refunded so far on the charge. */
  readonly amountRefunded: number;
  readonly object: Record<string, unknown>;
}

/**
 * A refund's newest version (created, settled, failed), from `refund.*`. It carries no `payable` so
 * it is not routed by metadata: a refund made in Stripe's dashboard has none, and is linked to its
 * payment through the payment intent by the module that records refunds.
 */
export interface RefundRecorded {
  readonly kind: 'refund.recorded';
  readonly refundId: string;
  readonly chargeId: string | null;
  readonly paymentIntentId: string | null;
  /** The payable named in the refund's own Paybridge metadata (refunds made through Paybridge). */
  readonly requestedFor: PayableRef | undefined;
  /** Minor units. */
  readonly amount: number;
  /** Upper case ISO code. */
  readonly currency: string;
  readonly status: string;
  readonly object: Record<string, unknown>;
}

export interface DisputeChanged {
  readonly kind: 'dispute.changed';
  readonly payable: PayableRef | undefined;
  readonly disputeId: string;
  /** The dispute's own status (`won`, `lost`, `needs_response`…), never inferred from the event type. */
  readonly status: string;
  readonly object: Record<string, unknown>;
}

/** A product or price of the connected account changed (the whole account's catalog, not only ours). */
export interface CatalogChanged {
  readonly kind: 'catalog.changed';
  readonly objectType: 'product' | 'price';
  readonly objectId: string;
  readonly deleted: boolean;
  readonly object: Record<string, unknown>;
}

/** A customer of the connected account was created, changed or deleted. */
export interface CustomerChanged {
  readonly kind: 'customer.changed';
  readonly customerId: string;
  readonly deleted: boolean;
  readonly object: Record<string, unknown>;
}

/** The connected account's capabilities changed (charges or payouts switched on or off). */
export interface AccountChanged {
  readonly kind: 'account.changed';
  readonly accountId: string;
  readonly chargesEnabled: boolean | null;
  readonly payoutsEnabled: boolean | null;
  readonly detailsSubmitted: boolean | null;
  readonly disabledReason: string | null;
  /** `requirements.currently_due`: what Stripe needs now. */
  readonly requirementsDue: readonly string[];
  /** `requirements.current_deadline` (epoch seconds): when unmet requirements disable more. */
  readonly requirementsDeadline: number | null;
}

export function hasPayable(fact: Fact): fact is Extract<Fact, { payable: PayableRef }> {
  return 'payable' in fact && fact.payable !== undefined;
}
