/**
 * The one error type business code throws. `code` is stable (clients branch on it), `status` is the
 * HTTP answer, `retryable` tells workers whether trying again can help, and `message` tells a person
 * what to do. Secrets never go into `message` or `context`.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly field: string | undefined;
  readonly context: Record<string, unknown>;
  /** Sent as Retry-After with 429 and 503 answers. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    code: string;
    message: string;
    status?: number;
    retryable?: boolean;
    field?: string;
    context?: Record<string, unknown>;
    cause?: unknown;
    retryAfterSeconds?: number;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.status = options.status ?? 400;
    this.retryable = options.retryable ?? false;
    this.field = options.field;
    this.context = options.context ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function notFound(what: string, id: string): AppError {
  return new AppError({
    code: 'not_found',
    status: 404,
    message: `No ${what} with id ${id} exists here. Check the id and the token's tenant.`,
  });
}

export function invalidField(field: string, code: string, message: string): AppError {
  return new AppError({ code, status: 422, field, message });
}

export function isRetryable(error: unknown): boolean {
  return error instanceof AppError ? error.retryable : true;
}

/** The error envelope every HTTP answer uses: `{"error": {"code", "message", "field"?}}`. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: field ? { code, message, field } : { code, message } };
}
