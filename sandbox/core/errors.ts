import type { Json } from './json';

export type StripeErrorType =
  'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error' | 'authentication_error' | 'rate_limit_error';

/** An error the sandbox answers with Stripe's envelope `{error:{type,code,message,param}}`. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: StripeErrorType,
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly extra: Json = {},
  ) {
    super(message);
  }

  toBody(): Json {
    const error: Json = { type: this.type, message: this.message };
    if (this.code) {
      error.code = this.code;
      error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replace(/_/g, '-')}`;
    }
    if (this.param) error.param = this.param;
    return { error: { ...error, ...this.extra } };
  }
}

export function invalidRequest(message: string, code?: string, param?: string): StripeApiError {
  return new StripeApiError(400, 'invalid_request_error', message, code, param);
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, 'parameter_missing', param);
}

export function invalidInteger(param: string, value: unknown): StripeApiError {
  return invalidRequest(`Invalid integer: ${String(value)}`, 'parameter_invalid_integer', param);
}

export function invalidEmpty(param: string): StripeApiError {
  return invalidRequest(
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; ` +
      `however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    'parameter_invalid_empty',
    param,
  );
}

export function unknownParam(param: string): StripeApiError {
  return invalidRequest(`Received unknown parameter: ${param}`, 'parameter_unknown', param);
}

export function invalidEnum(param: string, allowed: readonly string[]): StripeApiError {
  const list = allowed.length > 1 ? `${allowed.slice(0, -1).join(', ')}, or ${allowed.at(-1)}` : allowed.join('');
  return invalidRequest(`Invalid ${param}: must be one of ${list}`, undefined, param);
}

/** `resource` is Stripe's word in the message: "No such customer: 'cus_x'". */
export function noSuch(resource: string, id: string, param = 'id'): StripeApiError {
  return new StripeApiError(404, 'invalid_request_error', `No such ${resource}: '${id}'`, 'resource_missing', param);
}
