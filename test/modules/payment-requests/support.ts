import { expect } from 'vitest';
import type { RunningSandbox } from '../../../sandbox/index';
import type { BillingWorld } from '../../invoices/support';

export const THREE_DS_CARD = '4000000000003220';

/** POST to the sandbox's control API (what a customer or a bank does). */
export async function control(sandbox: RunningSandbox, path: string, body: unknown = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

export function requestBody(connectionId: string, overrides: Record<string, unknown> = {}) {
  return { connection_id: connectionId, amount: 2500, currency: 'usd', method: 'payment_intent', ...overrides };
}

/** The types of a request's domain events, oldest first. */
export async function eventTypes(world: BillingWorld, tenantId: string, requestId: string): Promise<string[]> {
  const { listPaymentRequestEvents } = await import('../../../src/store/payment-requests');
  return (await listPaymentRequestEvents(world.h.ctx.store.db, tenantId, requestId)).map((event) => event.type);
}

export function expectStatus(response: { status: number; body: any }, status: number): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
}
