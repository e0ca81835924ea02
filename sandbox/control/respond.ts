import type { Context } from 'hono';
import { z } from 'zod';
import { StripeApiError, invalidRequest, noSuch } from '../core/errors';
import type { Json, StripeObject } from '../core/json';
import { systemContext, type ApiContext } from '../core/resource';
import type { Sandbox } from '../core/sandbox';
import { readControlBody } from '../http/form';

/**
 * Wraps a control route: the body (JSON or form) in, JSON out, and failures in Stripe's error
 * envelope so one error reader serves both APIs.
 */
export function control(handler: (c: Context, body: Json) => Json | Promise<Json>, status = 200) {
  return async (c: Context): Promise<Response> => {
    try {
      const body = c.req.method === 'GET' ? {} : await readControlBody(c.req.raw);
      return c.json(await handler(c, body), status as 200);
    } catch (error) {
      if (error instanceof StripeApiError) return c.json(error.toBody(), error.status as 400);
      if (error instanceof z.ZodError)
        return c.json(invalidRequest(error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')).toBody(), 400);
      if (error instanceof SyntaxError) return c.json(invalidRequest(`Invalid JSON body: ${error.message}`).toBody(), 400);
      throw error;
    }
  };
}

/** The control API acts without a key: an object's id tells its account and mode. */
export function locate(sandbox: Sandbox, object: string, id: string, word = object): { ctx: ApiContext; data: StripeObject } {
  const found = sandbox.store.locate(object, id);
  if (!found) throw noSuch(word, id);
  return { ctx: systemContext(sandbox, found.scope), data: found.data };
}
