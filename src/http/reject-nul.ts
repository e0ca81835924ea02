import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors';
import type { HonoEnv } from './hono-env';

const NUL_MESSAGE = 'contains the NUL character (\\u0000), which cannot be stored. Remove it and send the request again.';

/** The path of the first string (key or value) holding a NUL character, or undefined. */
function findNul(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key];
    const found = findNul(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000, so an id, query value or JSON string carrying one would fail
 * deep in a query as a 500. Refuse it up front as bad input, before anything is written.
 */
export function rejectNulCharacters(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    if (/%00/i.test(c.req.url)) {
      throw new AppError({ code: 'invalid_character', status: 400, message: `The URL ${NUL_MESSAGE}` });
    }
    if (/json/i.test(c.req.header('content-type') ?? '')) {
      // Malformed JSON is left for the route's validator to report; the parsed body is cached for it.
      const body = await c.req.json().catch(() => undefined);
      const path = findNul(body);
      if (path) {
        const field = path.join('.');
        throw new AppError({
          code: 'invalid_character',
          status: 422,
          field: field || undefined,
          message: `${field || 'The body'} ${NUL_MESSAGE}`,
        });
      }
    }
    await next();
  };
}
