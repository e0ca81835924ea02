import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors';
import type { HonoEnv } from './hono-env';

/** The largest API request is an invoice with its lines: a few kilobytes. 1 MB is far above any real one. */
export const API_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Refuses an `/api/v1` body over the limit while it streams in, before it is buffered or parsed:
 * a 200 MB body used to be read and parsed whole (955 MB RSS; issue 18 item 7).
 */
export function limitBody(): MiddlewareHandler<HonoEnv> {
  const limit = bodyLimit({
    maxSize: API_BODY_LIMIT_BYTES,
    onError: () => {
      throw new AppError({
        code: 'body_too_large',
        status: 413,
        message: `The request body is larger than ${API_BODY_LIMIT_BYTES} bytes (1 MB); no request of this API needs that much. Send only the documented fields.`,
      });
    },
  });
  // GET and HEAD carry no body. Asking one for its body (as bodyLimit does) makes @hono/node-server
  // build a whole WHATWG Request with an AbortSignal per request: about 5 % of the entitlement check's
  // CPU in its profile, for nothing.
  return (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next));
}
