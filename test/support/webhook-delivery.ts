import { signStripePayload } from '../../src/webhooks/signature';
import { responseBody, type TestHarness } from './test-context';

/** Posts a body to the webhook route signed like Stripe signs it (several secrets → several v1). */
export async function deliver(
  h: TestHarness,
  connectionId: string,
  payload: string | object,
  options: { secrets?: string[]; timestamp?: number; header?: string | null } = {},
): Promise<{ status: number; body: any }> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const timestamp = options.timestamp ?? Math.floor(h.ctx.now().getTime() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const header = options.header === undefined ? signStripePayload(body, options.secrets ?? [], timestamp) : options.header;
  if (header !== null) headers['stripe-signature'] = header;
  const response = await h.app.request(`/webhooks/stripe/${connectionId}`, { method: 'POST', headers, body });
  return { status: response.status, body: await responseBody(response) };
}

let counter = 0;

/** A minimal but well-formed Stripe event around `object`. */
export function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  options: { id?: string; created?: number; livemode?: boolean; previous?: Record<string, unknown> } = {},
) {
  counter += 1;
  return {
    id: options.id ?? `evt_test${Date.now().toString(36)}${counter.toString(36).padStart(6, '0')}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: options.created ?? Math.floor(Date.now() / 1000),
    livemode: options.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: options.previous ? { object, previous_attributes: options.previous } : { object },
  };
}
