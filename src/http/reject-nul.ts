import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors';
import type { HonoEnv } from './hono-env';
import { requestHeader } from './request-header';

const NUL_MESSAGE = 'contains the NUL character (\\u0000), which cannot be stored. Remove it and send the request again.';

/** No request body of this API nests deeper than a few levels; 32 leaves room and bounds the walk. */
export const MAX_BODY_DEPTH = 32;
/** The longest text any field takes is a few thousand characters; anything longer is a mistake or abuse. */
export const MAX_STRING_LENGTH = 10_000;

type Problem = { kind: 'nul' | 'too_long'; path: string[] } | { kind: 'too_deep' };

/**
 * The first problem in a parsed body: a string (key or value) with a NUL character or longer than
 * MAX_STRING_LENGTH, or nesting deeper than MAX_BODY_DEPTH. Iterative, with the depth bounded: a
 * recursive walk overflowed the stack on a body nested 10,000 deep and answered 500 (issue 18).
 */
function findProblem(body: unknown): Problem | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value: body, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { kind: 'nul', path };
      if (value.length > MAX_STRING_LENGTH) return { kind: 'too_long', path };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= MAX_BODY_DEPTH) return { kind: 'too_deep' };
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return { kind: 'nul', path: [...path, key] };
      if (key.length > MAX_STRING_LENGTH) return { kind: 'too_long', path };
      stack.push({ value: item, path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000, so an id, query value or JSON string carrying one would fail
 * deep in a query as a 500. Refuse it up front as bad input, before anything is written; likewise
 * an overlong string or a body nested past any real request's shape.
 */
export function rejectNulCharacters(): MiddlewareHandler<HonoEnv> {
  return async (c, next) => {
    if (/%00/i.test(c.req.url)) {
      throw new AppError({ code: 'invalid_character', status: 400, message: `The URL ${NUL_MESSAGE}` });
    }
    if (/json/i.test(requestHeader(c, 'content-type') ?? '')) {
      // Malformed JSON is left for the route's validator to report; the parsed body is cached for it.
      const body: unknown = await c.req.json().catch(() => undefined);
      const problem = findProblem(body);
      if (problem?.kind === 'too_deep') {
        throw new AppError({
          code: 'body_too_deep',
          status: 400,
          message: `The JSON body nests deeper than ${MAX_BODY_DEPTH} levels; no request of this API does. Send the fields the operation documents at /api/openapi.json.`,
        });
      }
      if (problem) {
        const field = problem.path.join('.');
        throw new AppError({
          code: problem.kind === 'nul' ? 'invalid_character' : 'value_too_long',
          status: 422,
          field: field || undefined,
          message:
            problem.kind === 'nul'
              ? `${field || 'The body'} ${NUL_MESSAGE}`
              : `${field || 'A field name'} is longer than ${MAX_STRING_LENGTH} characters. Shorten it and send the request again.`,
        });
      }
    }
    await next();
  };
}
