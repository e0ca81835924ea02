import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { AppContext } from '../context';
import { AppError, errorBody } from '../errors';
import { isStoreUnavailable } from '../store/store-unavailable';
import { describeIssue, fieldName } from './validation-messages';

/** Turns zod's issues into one message that names each bad field and what it must be (validation-messages.ts). */
export function validationError(error: ZodError): AppError {
  const issues = error.issues.slice(0, 5);
  const first = issues[0];
  return new AppError({
    code: 'validation_failed',
    status: 422,
    field: first && first.path.length > 0 ? fieldName(first.path) : undefined,
    message: issues.map(describeIssue).join('; '),
  });
}

/** What Hono's own refusals (thrown as HTTPException) mean to a client, keyed by status. */
function describeHttpException(error: HTTPException): { code: string; message: string } {
  if (/json/i.test(error.message)) {
    return { code: 'invalid_json', message: 'The body is not valid JSON. Send a JSON object with Content-Type: application/json.' };
  }
  if (error.status === 413) return { code: 'body_too_large', message: error.message || 'The body is too large.' };
  if (error.status === 415) {
    return {
      code: 'unsupported_media_type',
      message: 'This route takes a JSON body. Send it with the header Content-Type: application/json.',
    };
  }
  return { code: 'bad_request', message: error.message || 'The request was refused.' };
}

export function handleError(ctx: AppContext) {
  return (error: Error, c: Context) => {
    if (error instanceof AppError) {
      if (error.retryAfterSeconds !== undefined) c.header('Retry-After', String(error.retryAfterSeconds));
      return c.json(errorBody(error.code, error.message, error.field), error.status as ContentfulStatusCode);
    }
    if (error instanceof HTTPException) {
      const { code, message } = describeHttpException(error);
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
