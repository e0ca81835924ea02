import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { AppContext } from '../context';
import { AppError, errorBody } from '../errors';
import { isStoreUnavailable } from '../store/store-unavailable';

/** Turns zod's issues into one message that names each bad field and what it must be. */
export function validationError(error: ZodError): AppError {
  const issues = error.issues.slice(0, 5);
  const first = issues[0];
  const describe = (issue: (typeof issues)[number]) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}; remove them`;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return `${path} is required (${issue.expected})`;
    return path ? `${path}: ${issue.message}` : issue.message;
  };
  return new AppError({
    code: 'validation_failed',
    status: 422,
    field: first && first.path.length > 0 ? first.path.join('.') : undefined,
    message: issues.map(describe).join('; '),
  });
}

export function handleError(ctx: AppContext) {
  return (error: Error, c: Context) => {
    if (error instanceof AppError) {
      if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
      return c.json(errorBody(error.code, error.message, error.field), error.status as ContentfulStatusCode);
    }
    if (error instanceof HTTPException) {
      const malformedJson = /json/i.test(error.message);
      const code = malformedJson ? 'invalid_json' : error.status === 413 ? 'body_too_large' : 'bad_request';
      const message = malformedJson
        ? 'The body is not valid JSON. Send a JSON object with Content-Type: application/json.'
        : error.message || 'The request was refused.';
      return c.json(errorBody(code, message), error.status as ContentfulStatusCode);
    }
    const requestId = c.get('requestId') as string | undefined;
    if (isStoreUnavailable(error)) {
      ctx.logger.warn({ err: error, requestId, path: c.req.path }, 'store busy or unreachable');
      c.header('Retry-After', '2');
      return c.json(
        errorBody(
          'store_unavailable',
          'The database is busy or unreachable, so this request was not carried out. Retry after the Retry-After seconds.',
        ),
        503,
      );
    }
    ctx.logger.error({ err: error, requestId, path: c.req.path }, 'unhandled error');
    return c.json(
      errorBody(
        'internal_error',
        `Something failed on our side; nothing was changed by this request unless it says so. Quote request id ${requestId ?? 'unknown'} when reporting it.`,
      ),
      500,
    );
  };
}
