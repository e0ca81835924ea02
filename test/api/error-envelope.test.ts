import { beforeAll, expect, it } from 'vitest';
import { ADMIN_TOKEN, describeEachStore, responseBody } from '../support/test-context';

/**
 * Every /api answer that is an error comes in the common envelope with its own code (issue 20): a body
 * that is not JSON is 415 `unsupported_media_type`, a wrong method 405 with `Allow`, and validation
 * messages are plain sentences naming the field and what it must be, never zod's raw wording.
 */

/** zod's own phrases: none may reach a client. */
const RAW_ZOD =
  /received (NaN|undefined|string|number|array|object)|Expected|Invalid input|Invalid option|Too big|Too small|Unrecognized key/;

interface Operation {
  requestBody?: unknown;
  parameters?: { in: string; name: string }[];
}

describeEachStore('errors in the common envelope', (h) => {
  let tenantId = '';
  let operations: { method: string; path: string; operation: Operation }[] = [];
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  /** A documented path with every parameter filled: the tenant, and made-up ids for the rest. */
  const fill = (path: string) => path.replace('{tenant_id}', tenantId).replace(/\{[a-z_]+\}/g, 'x_1');

  beforeAll(async () => {
    tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Envelope' })).body.id;
    const doc = (await (await h().app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ method, path, operation })));
  });

  it('answers a body that is not JSON with 415 unsupported_media_type, on every route taking a body', async () => {
    const withBody = operations.filter((o) => o.operation.requestBody);
    expect(withBody.length).toBeGreaterThan(20);
    for (const { method, path } of withBody) {
      for (const headers of [{ ...auth, 'content-type': 'text/plain' }, auth]) {
        const response = await h().app.request(fill(path), { method: method.toUpperCase(), headers, body: 'name=x' });
        const label = `${method} ${path} ${headers['content-type' as keyof typeof headers] ?? 'no content-type'}`;
        expect(response.status, label).toBe(415);
        const body = await responseBody(response);
        expect(body.error.code, label).toBe('unsupported_media_type');
        expect(body.error.message, label).toMatch(/Content-Type: application\/json/);
      }
    }
  });

  it('answers a wrong method with 405 and Allow listing the methods the path takes', async () => {
    const cases: [string, string, string][] = [
      ['PUT', '/api/v1/tenants', 'GET, HEAD, POST'],
      ['DELETE', `/api/v1/tenants/${tenantId}/invoices`, 'GET, HEAD, POST'],
      ['PATCH', `/api/v1/tenants/${tenantId}/invoices/inv_x/finalize`, 'POST'],
      ['POST', `/api/v1/tenants/${tenantId}/connections/conn_x`, 'DELETE, GET, HEAD, PATCH'],
      ['POST', '/api/openapi.json', 'GET, HEAD'],
      ['DELETE', '/api/docs', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await h().app.request(path, { method, headers: auth });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow'), `${method} ${path}`).toBe(allow);
      const body = await responseBody(response);
      expect(body.error.code).toBe('method_not_allowed');
      expect(body.error.message).toContain(`${method} is not accepted`);
      expect(body.error.message).toContain(allow);
    }
  });

  it('still answers a path no route has with 404 route_not_found', async () => {
    const response = await h().app.request(`/api/v1/tenants/${tenantId}/nothing-here`, { headers: auth });
    expect(response.status).toBe(404);
    expect((await responseBody(response)).error.code).toBe('route_not_found');
  });

  it('says in plain words which field is wrong and what it must be', async () => {
    const base = `/api/v1/tenants/${tenantId}`;
    const cases: [string, string, unknown, string | undefined, RegExp][] = [
      ['GET', `${base}/invoices?limit=abc`, undefined, 'limit', /^limit must be a number written in digits$/],
      ['GET', `${base}/invoices?status=nope`, undefined, 'status', /^status must be one of: draft, open, paid, void, refunded$/],
      ['GET', `${base}/events?limit=0`, undefined, 'limit', /limit must be between 1 and 100/],
      ['POST', `${base}/customers`, { email: 'ada@example.com' }, 'external_id', /^external_id is required: send text/],
      [
        'POST',
        `${base}/customers`,
        { external_id: 5, email: 'ada@example.com' },
        'external_id',
        /^external_id must be text .*, not a number$/,
      ],
      [
        'POST',
        `${base}/invoices`,
        {
          connection_id: 'conn_x',
          currency: 'usd',
          customer: { name: 'A', email: 'a@example.com' },
          lines: [{ description: 'x', quantity: 'two', unit_amount: 100 }],
        },
        'lines.0.quantity',
        /^lines\.0\.quantity must be a number, not text$/,
      ],
      ['POST', `${base}/invoices`, [1, 2], undefined, /^The request body must be a JSON object, not a list$/],
      ['GET', `${base}/customers/ext:x/entitlements/${'k'.repeat(101)}`, undefined, 'key', /^key must be at most 100 characters long$/],
      [
        'POST',
        `${base}/customers`,
        { external_id: 'a', email: 'ada@example.com', colour: 'red' },
        undefined,
        /unknown field\(s\) colour; remove them/,
      ],
    ];
    for (const [method, path, body, field, message] of cases) {
      const response = await h().api(method, path, body);
      const label = `${method} ${path} ${JSON.stringify(body)}`;
      expect(response.status, label).toBe(422);
      expect(response.body.error.code, label).toBe('validation_failed');
      expect(response.body.error.field, label).toBe(field);
      expect(response.body.error.message, label).toMatch(message);
      expect(response.body.error.message, label).not.toMatch(RAW_ZOD);
    }
  });

  it('uses no raw zod wording on any route, for a non-number limit or a body that is not an object', async () => {
    let checked = 0;
    for (const { method, path, operation } of operations) {
      if (operation.parameters?.some((p) => p.in === 'query' && p.name === 'limit')) {
        const response = await h().api(method.toUpperCase(), `${fill(path)}?limit=lots`);
        expect(response.status, path).toBe(422);
        expect(response.body.error, path).toMatchObject({ code: 'validation_failed', field: 'limit' });
        expect(response.body.error.message, path).not.toMatch(RAW_ZOD);
        checked += 1;
      }
      if (operation.requestBody) {
        const response = await h().api(method.toUpperCase(), fill(path), '"just text"');
        const label = `${method} ${path}`;
        expect(response.status, label).toBe(422);
        expect(response.body.error.message, label).toMatch(/^The request body must be a JSON object/);
        expect(response.body.error.message, label).not.toMatch(RAW_ZOD);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});
