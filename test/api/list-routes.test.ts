import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { DashboardClient } from '../dashboard/dashboard-client';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';

/**
 * Every list in the API pages through one cursor helper (issue 12 item 6, issue 18 item 9). The list
 * routes are read from the OpenAPI document — every GET taking a `cursor` — so a list added later is
 * covered without editing this file.
 */

const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** Cursors a client could make by hand; none of them came from this API. */
const FORGED = [
  b64('{"created_at":"-271821-04-20T00:00:00Z"}'),
  b64('{"created_at":"-271821-04-20T00:00:00Z","id":"x"}'),
  b64('{"received_at":"+275760-09-13T00:00:00Z","id":"ev_x"}'),
  b64('{"v":1,"t":-8640000000000000,"id":"x"}'),
  b64('{"v":1,"t":1e300,"id":"x"}'),
  b64('{"v":1,"t":1700000000000,"id":"x\\u0000"}'),
  b64('{"v":1,"t":1700000000000,"id":"x","extra":true}'),
  b64('{"v":2,"t":1700000000000,"id":"x"}'),
  b64('{"v":1,"t":"1700000000000","id":"x"}'),
  b64('[]'),
  b64('null'),
  'not base64 at all!',
  'x'.repeat(5_000),
];

/** A customer the per-customer lists (credits ledger) are read for, as `{customer}` in their paths. */
const CUSTOMER_REF = 'ext:lists_customer';

/** GET paths with a `cursor` query parameter in the OpenAPI document, tenant id, a customer and the other path ids given filled in. */
async function listRoutes(
  app: { request: (path: string) => Response | Promise<Response> },
  tenantId: string,
  more: Record<string, string> = {},
): Promise<string[]> {
  const doc = (await (await app.request('/api/openapi.json')).json()) as {
    paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }>;
  };
  return Object.entries(doc.paths)
    .filter(([, item]) => item.get?.parameters?.some((parameter) => parameter.in === 'query' && parameter.name === 'cursor'))
    .map(([path]) =>
      Object.entries(more).reduce(
        (filled, [name, value]) => filled.replace(`{${name}}`, value),
        path.replace('{tenant_id}', tenantId).replace('{customer}', CUSTOMER_REF),
      ),
    );
}

describeEachStore('list routes share one validated cursor', (h) => {
  let tenantId = '';
  let routes: string[] = [];
  let endpointId = '';

  beforeAll(async () => {
    tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Lists' })).body.id;
    for (let i = 0; i < 4; i += 1) await h().api('POST', '/api/v1/tenants', { name: `Filler ${i}` });
    await h().api('POST', `/api/v1/tenants/${tenantId}/customers`, { external_id: CUSTOMER_REF.slice(4), email: 'lists@example.com' });
    const { connection } = await insertTestConnection(h(), { tenantId });

    // Lists under another object (an endpoint's deliveries) need one to exist; an IP literal needs no DNS.
    const endpoint = await h().api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints`, { url: 'https://93.184.215.14/hooks' });
    endpointId = endpoint.body.id;
    routes = await listRoutes(h().app, tenantId, { endpoint_id: endpointId, connection_id: connection.id });
  });

  it('finds every list route in the OpenAPI document', () => {
    const base = `/api/v1/tenants/${tenantId}`;
    expect(routes).toEqual(
      expect.arrayContaining(['/api/v1/tenants', `${base}/events`, `${base}/invoices`, `${base}/mail`, `${base}/customers`]),
    );
    expect(routes).toContain(`${base}/payment-requests`);
    // No path parameter other than the tenant's is left to fill: each route is callable as listed.
    for (const route of routes) expect(route).not.toContain('{');
  });

  it('includes the per-customer lists, with the customer filled in', () => {
    expect(routes).toContain(`/api/v1/tenants/${tenantId}/customers/${CUSTOMER_REF}/credits/ledger`);
  });

  it('refuses a forged cursor on every list route with 400 invalid_cursor and a message saying what to do', async () => {
    for (const route of routes) {
      for (const cursor of FORGED) {
        const response = await h().api('GET', `${route}?cursor=${encodeURIComponent(cursor)}`);
        const label = `${route} cursor=${cursor.slice(0, 40)}`;
        expect(response.status, label).toBe(400);
        expect(response.body.error.code, label).toBe('invalid_cursor');
        expect(response.body.error.field, label).toBe('cursor');
        expect(response.body.error.message, label).toMatch(/next_cursor/);
      }
    }
  });

  it('refuses a forged cursor for a tenant key too, even where the key sees one row', async () => {
    const key = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body.key as string;
    for (const route of routes) {
      const response = await h().api('GET', `${route}?cursor=${FORGED[0]}`, undefined, key);
      expect(response.status, route).toBe(400);
      expect(response.body.error.code, route).toBe('invalid_cursor');
    }
  });

  it('walks a list page by page with the cursors it hands out: every row once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const response = await h().api('GET', `/api/v1/tenants?limit=2${query}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.data.map((tenant: { id: string }) => tenant.id));
      cursor = response.body.next_cursor;
      if (!cursor) break;
    }
    const all = (await h().api('GET', '/api/v1/tenants?limit=100')).body.data.map((tenant: { id: string }) => tenant.id);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(seen).toEqual(all);
  });

  it('fuzz: random limits, cursors and filters on every list route never give a 5xx; a 4xx is the error envelope', async () => {
    const cursorish = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.jsonValue({ maxDepth: 2 }).map((value) => b64(JSON.stringify(value) ?? '')),
      fc
        .record(
          {
            v: fc.oneof(fc.constant(1), fc.integer()),
            t: fc.oneof(fc.integer({ min: 0, max: 2 ** 48 }), fc.double(), fc.string({ maxLength: 5 })),
            id: fc.oneof(fc.string({ maxLength: 30 }), fc.constant('ten_x')),
            created_at: fc.oneof(fc.date({ noInvalidDate: false }).map(String), fc.string({ maxLength: 30 })),
          },
          { requiredKeys: [] },
        )
        .map((value) => b64(JSON.stringify(value))),
    );
    const query = fc.dictionary(
      fc.constantFrom('limit', 'cursor', 'status', 'type', 'connection_id', 'external_id', 'invoice_id', 'x'),
      fc.oneof(cursorish, fc.integer({ min: -5, max: 500 }).map(String), fc.string({ unit: 'grapheme', maxLength: 20 })),
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), query, async (route, q) => {
        const response = await h().api('GET', `${route}?${new URLSearchParams(q).toString()}`);
        const label = `${route}?${JSON.stringify(q)} → ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
        expect(response.status, label).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.body.error.code, label).toMatch(/^[a-z_]+$/);
          expect(response.body.error.message.length, label).toBeGreaterThanOrEqual(15);
        } else {
          expect(Array.isArray(response.body.data), label).toBe(true);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('shows a clear 400 page, not a 500, for a forged cursor on every dashboard list', async () => {
    const browser = new DashboardClient(h());
    expect((await browser.signIn(ADMIN_TOKEN)).status).toBe(303);
    const pages = [
      '/dashboard/tenants',
      `/dashboard/tenants/${tenantId}/events`,
      `/dashboard/tenants/${tenantId}/invoices`,
      `/dashboard/tenants/${tenantId}/mail`,
      `/dashboard/tenants/${tenantId}/payment-requests`,
      `/dashboard/tenants/${tenantId}/webhook-endpoints/${endpointId}`,
    ];
    for (const page of pages) {
      const response = await browser.get(`${page}?cursor=${FORGED[0]}`);
      expect(response.status, page).toBe(400);
      expect(response.text, page).toContain('The cursor is not one this API returned');
    }
  });
});
