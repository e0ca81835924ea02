import Stripe from 'stripe';
import { AppError } from '../errors';

export type StripeFailureKind = 'authentication' | 'permission' | 'not_found' | 'invalid_request' | 'rate_limited' | 'unavailable';

/** What a failed Stripe call means for Paybridge, without the SDK's class zoo. */
export interface StripeFailure {
  kind: StripeFailureKind;
  status: number | null;
  message: string;
  /** The `rak_…` permission Stripe named in a 403, when it named one. */
  permission: string | null;
  /** The account Stripe named in a 403 ("… on account 'acct_…'"), when it named one. */
  account: string | null;
}

export function describeStripeError(error: unknown): StripeFailure {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return {
      kind: 'unavailable',
      status: null,
      message: error instanceof Error ? error.message : String(error),
      permission: null,
      account: null,
    };
  }
  const status = error.statusCode ?? null;
  const message = error.message;
  const permission = /'(rak_[a-z_]+)'/.exec(message)?.[1] ?? null;
  const account = /on account '(acct_[0-9A-Za-z]+)'/.exec(message)?.[1] ?? null;
  let kind: StripeFailureKind;
  if (status === 401 || error.type === 'StripeAuthenticationError') kind = 'authentication';
  else if (status === 403 || error.type === 'StripePermissionError') kind = 'permission';
  else if (status === 404) kind = 'not_found';
  else if (status === 429 || error.type === 'StripeRateLimitError') kind = 'rate_limited';
  else if (status !== null && status >= 400 && status < 500) kind = 'invalid_request';
  else kind = 'unavailable';
  return { kind, status, message, permission, account };
}

/**
 * Maps a Stripe failure Paybridge cannot act on into an AppError: network trouble, 5xx and 429 are
 * retryable (Stripe's own advice); anything else is a request Paybridge got wrong and is not.
 */
export function fromStripeError(error: unknown, doing: string): AppError {
  const failure = describeStripeError(error);
  if (failure.kind === 'unavailable' || failure.kind === 'rate_limited') {
    return new AppError({
      code: 'stripe_unavailable',
      status: 503,
      retryable: true,
      message: `Stripe could not be reached while ${doing} (${failure.kind === 'rate_limited' ? 'rate limited' : 'network or server error'}); nothing was changed. Try again in a minute.`,
      cause: error,
    });
  }
  return new AppError({
    code: 'stripe_request_failed',
    status: 502,
    message: `Stripe refused a request while ${doing}: ${failure.message}`,
    context: { stripe_status: failure.status },
    cause: error,
  });
}
