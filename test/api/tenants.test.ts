import { expect, it } from 'vitest';
import { describeEachStore } from '../support/test-context';

describeEachStore('tenants API', (h) => {
  it('creates, reads and pages through tenants', async () => {
    const created = [];
    for (const name of ['A', 'B', 'C']) {
      const response = await h().api('POST', '/api/v1/tenants', { name });
      expect(response.status).toBe(201);
      expect(response.body.id).toMatch(/^ten_[0-9A-Za-z]{20}$/);
      created.push(response.body);
    }
    const one = await h().api('GET', `/api/v1/tenants/${created[0].id}`);
    expect(one.body).toEqual(created[0]);

    const first = await h().api('GET', '/api/v1/tenants?limit=2');
    expect(first.body.data.map((t: any) => t.name)).toEqual(['C', 'B']);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await h().api('GET', `/api/v1/tenants?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data.map((t: any) => t.name)).toEqual(['A']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('refuses requests without a valid token with 401 and says how to authenticate', async () => {
    const none = await h().api('GET', '/api/v1/tenants', undefined, null);
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/Authorization: Bearer/);
    const wrong = await h().api('GET', '/api/v1/tenants', undefined, 'pb_admin_not_the_token');
    expect(wrong.status).toBe(401);
  });

  it('explains bad input with a code, the field and the fix', async () => {
    const empty = await h().api('POST', '/api/v1/tenants', { name: '  ' });
    expect(empty.status).toBe(422);
    expect(empty.body.error).toMatchObject({ code: 'validation_failed', field: 'name' });
    const malformed = await h().api('POST', '/api/v1/tenants', '{"name":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const badCursor = await h().api('GET', '/api/v1/tenants?cursor=garbage');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('invalid_cursor');
    const badLimit = await h().api('GET', '/api/v1/tenants?limit=0');
    expect(badLimit.status).toBe(422);
    expect(badLimit.body.error.field).toBe('limit');
  });

  it('lets a tenant key create tenants only with the admin token', async () => {
    const tenant = (await h().api('POST', '/api/v1/tenants', { name: 'Keyed' })).body;
    const key = (await h().api('POST', `/api/v1/tenants/${tenant.id}/api-keys`)).body.key;
    expect(key).toMatch(/^pb_key_/);
    const attempt = await h().api('POST', '/api/v1/tenants', { name: 'Nope' }, key);
    expect(attempt.status).toBe(403);
    const own = await h().api('GET', '/api/v1/tenants', undefined, key);
    expect(own.body.data.map((t: any) => t.id)).toEqual([tenant.id]);
  });
});
