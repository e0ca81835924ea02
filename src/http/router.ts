import { OpenAPIHono } from '@hono/zod-openapi';
import type { HonoEnv } from './hono-env';
import { validationError } from './error-handler';

/** Every API router validates with its zod schemas and answers bad input with our 422 envelope. */
export function newRouter(): OpenAPIHono<HonoEnv> {
  return new OpenAPIHono<HonoEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error);
    },
  });
}
