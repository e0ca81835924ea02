import type { PaymentRequestStatus } from '../../store/payment-requests-schema';

/**
 * What a version of a Stripe object says about the request. Only the object's own status decides,
 * never which event carried it: a payment intent back at `requires_payment_method` with an error
 * is a failed attempt; without one (the customer chose another method) the request waits again.
 */
export function statusOfIntent(intent: Record<string, unknown>): PaymentRequestStatus | undefined {
  switch (intent.status) {
    case 'requires_payment_method':
      return intent.last_payment_error ? 'failed' : 'pending';
    case 'requires_confirmation':
      return 'pending';
    case 'requires_action':
      return 'requires_action';
    case 'processing':
    case 'requires_capture':
      return 'processing';
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'canceled';
    default:
      return undefined;
  }
}

/** A Checkout Session: expired ends the request; completed is paid or still settling; open says nothing more. */
export function statusOfSession(session: Record<string, unknown>): PaymentRequestStatus | undefined {
  if (session.status === 'expired') return 'expired';
  if (session.status === 'complete') return session.payment_status === 'paid' ? 'succeeded' : 'processing';
  return undefined;
}

/** Stripe's code, decline code and message of an intent's last error, in one line. */
export function failureOf(intent: Record<string, unknown>): string | null {
  const error = (intent.last_payment_error ?? {}) as Record<string, unknown>;
  const parts = [error.code, error.decline_code, error.message].filter((part) => typeof part === 'string' && part.length > 0);
  return parts.length > 0 ? parts.join(': ') : null;
}

/** A string field, or the id of an expanded object in it. */
export function idOf(object: Record<string, unknown>, key: string): string | null {
  const value = object[key];
  if (typeof value === 'string' && value.length > 0) return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}
