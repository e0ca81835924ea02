import { expect } from 'vitest';
import type { TestHarness } from '../../support/test-context';

/** A tenant with one customer, and `api` scoped to that customer's credits. */
export interface CreditsFixture {
  tenantId: string;
  customerId: string;
  externalId: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

let counter = 0;

export async function creditsFixture(h: TestHarness, name = 'Credits Ltd'): Promise<CreditsFixture> {
  const tenant = await h.api('POST', '/api/v1/tenants', { name });
  expect(tenant.status).toBe(201);
  counter += 1;
  const externalId = `user_${counter}_${Date.now()}`;
  const customer = await h.api('POST', `/api/v1/tenants/${tenant.body.id}/customers`, {
    external_id: externalId,
    email: `c${counter}@example.com`,
  });
  expect(customer.status, JSON.stringify(customer.body)).toBe(201);
  const base = `/api/v1/tenants/${tenant.body.id}/customers/ext:${externalId}/credits`;
  return {
    tenantId: tenant.body.id,
    customerId: customer.body.id,
    externalId,
    api: (method, path, body) => h.api(method, `${base}${path}`, body),
  };
}

/** Grants through the API and checks it worked. */
export async function grant(
  f: CreditsFixture,
  body: { unit: string; amount: number; kind?: 'paid' | 'granted'; expires_in_days?: number; idempotency_key?: string },
): Promise<any> {
  counter += 1;
  const response = await f.api('POST', '/grants', { idempotency_key: `grant_${counter}`, ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

export async function balanceOf(f: CreditsFixture, unit: string): Promise<any> {
  const response = await f.api('GET', '');
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.data.find((row: { unit: string }) => row.unit === unit);
}

export const DAY = 86_400_000;
