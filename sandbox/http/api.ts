import type { Context } from 'hono';
import { StripeApiError, invalidRequest } from '../core/errors';
import { applyExpand } from '../core/expand';
import { newId } from '../core/ids';
import type { Json } from '../core/json';
import { assertKnownParams, optionalStringArray } from '../core/params';
import type { ApiContext } from '../core/resource';
import { DEFAULT_API_VERSION, type Sandbox } from '../core/sandbox';
import { authenticate, authorize } from './authenticate';
import { parseForm } from './form';
import { matchRoute, type CompiledRoute } from './route-table';

function send(c: Context, status: number, body: Json, headers: Record<string, string>): Response {
  return new Response(JSON.stringify(body, null, 2), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

function rateLimited(sandbox: Sandbox, account: string | null): boolean {
  const limit = sandbox.rateLimit;
  if (!limit.enabled || (limit.account && limit.account !== account)) return false;
  if (limit.remaining !== null) {
    limit.remaining -= 1;
    if (limit.remaining <= 0) sandbox.rateLimit = { enabled: false, remaining: null, account: null };
  }
  return true;
}

/**
 * Handles one `/v1/*` request in Stripe's order: authenticate, rate limit, route, permission,
 * parameters, idempotency, handler, `expand`. Every failure leaves in Stripe's error envelope.
 */
export async function handleApiRequest(c: Context, sandbox: Sandbox, table: readonly CompiledRoute[]): Promise<Response> {
  const requestId = newId('req', 14);
  const version = c.req.header('stripe-version') ?? DEFAULT_API_VERSION;
  const idempotencyKey = c.req.header('idempotency-key') ?? null;
  const headers: Record<string, string> = { 'Request-Id': requestId, 'Stripe-Version': version };
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  const method = c.req.method.toUpperCase();
  const url = new URL(c.req.url);
  try {
    const key = authenticate(sandbox, c.req.header('authorization'));
    if (rateLimited(sandbox, key.scope.account)) {
      throw new StripeApiError(
        429,
        'invalid_request_error',
        'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.',
        'rate_limit',
      );
    }
    const matched = matchRoute(table, method, url.pathname);
    if (!matched || matched === 'method_mismatch') {
      throw new StripeApiError(
        404,
        'invalid_request_error',
        `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      );
    }
    authorize(key, matched.route.permission);
    const query = url.search.length > 1 ? parseForm(url.search.slice(1)) : {};
    const params = method === 'POST' ? { ...query, ...parseForm(await c.req.text()) } : query;
    const ctx: ApiContext = {
      sandbox,
      scope: key.scope,
      path: matched.path,
      params,
      request: { id: requestId, idempotency_key: idempotencyKey },
    };
    const delay = matched.route.delayMs?.(ctx) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

    const idemScope = idempotencyKey && method === 'POST' ? `${key.scope.account}:${key.scope.livemode}:${idempotencyKey}` : null;
    const fingerprint = `${method} ${url.pathname} ${JSON.stringify(params)}`;
    if (idemScope) {
      const hit = sandbox.idempotency.lookup(idemScope, fingerprint, sandbox.clock.nowMs());
      if (hit.kind === 'conflict') {
        throw new StripeApiError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        );
      }
      if (hit.kind === 'replay')
        return send(c, hit.status, hit.body, { ...headers, 'Idempotent-Replayed': 'true', 'Original-Request': requestId });
    }

    const status = 200;
    let body: Json;
    try {
      assertKnownParams(params, matched.route.params);
      const expand = optionalStringArray(params, 'expand') ?? [];
      body = applyExpand(matched.route.handle(ctx), expand, ctx);
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      // Stripe saves the outcome once an endpoint has started executing (a card decline replays
      // as a decline) but not a request that failed validation.
      if (idemScope && error.type !== 'invalid_request_error')
        sandbox.idempotency.store(idemScope, fingerprint, error.status, error.toBody(), sandbox.clock.nowMs());
      throw error;
    }
    if (idemScope) sandbox.idempotency.store(idemScope, fingerprint, status, body, sandbox.clock.nowMs());
    return send(c, status, body, headers);
  } catch (error) {
    if (error instanceof StripeApiError) {
      const extra: Record<string, string> = error.status === 429 ? { 'Stripe-Should-Retry': 'false' } : {};
      return send(c, error.status, error.toBody(), { ...headers, ...extra });
    }
    if (error instanceof SyntaxError) return send(c, 400, invalidRequest('Invalid request body.').toBody(), headers);
    console.error('[sandbox] unexpected error', error);
    return send(c, 500, new StripeApiError(500, 'api_error', 'An unknown error occurred in the sandbox.').toBody(), headers);
  }
}
