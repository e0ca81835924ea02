import { expect, it } from 'vitest';
import { DashboardClient } from '../dashboard/dashboard-client';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';

/** Issue 18 item 4: API keys can be named, listed and revoked; revocation is immediate, sessions included. */
describeEachStore('API keys: list, name, revoke', (h) => {
  it('creates a named key, lists it with hint, created and last used, never the key or its hash', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Keyed' })).body.id;
    const created = await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`, { name: 'billing backend' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'billing backend', last_used_at: null, revoked_at: null });
    const unnamed = await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`);
    expect(unnamed.status).toBe(201);
    expect(unnamed.body.name).toBeNull();

    // Using the key records when it was last used.
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, created.body.key)).status).toBe(200);
    await expect
      .poll(async () => (await h().api('GET', `/api/v1/tenants/${tenantId}/api-keys`)).body.data.find((k: any) => k.id === created.body.id))
      .toMatchObject({ last_used_at: expect.any(String) });

    const list = await h().api('GET', `/api/v1/tenants/${tenantId}/api-keys`, undefined, created.body.key);
    expect(list.status).toBe(200);
    expect(list.body.data.map((key: any) => key.id)).toEqual([unnamed.body.id, created.body.id]);
    expect(list.body.data[1]).toMatchObject({ name: 'billing backend', hint: created.body.hint, created_at: expect.any(String) });
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(created.body.key);
    expect(text).not.toContain('token_hash');
  });

  it('lets only the admin mint keys: a tenant key cannot create its own replacements', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'No minting' })).body.id;
    const key = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body.key;
    const attempt = await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`, {}, key);
    expect(attempt.status).toBe(403);
    expect(attempt.body.error.code).toBe('forbidden');
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}/api-keys`)).body.data).toHaveLength(1);
  });

  it('revokes a key at once: its next API call is 401 and its dashboard session ends', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Revoked' })).body.id;
    const created = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`, { name: 'leaked' })).body;
    const browser = new DashboardClient(h());
    expect((await browser.signIn(created.key)).location).toBe(`/dashboard/tenants/${tenantId}`);
    expect((await browser.get(`/dashboard/tenants/${tenantId}`)).status).toBe(200);
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, created.key)).status).toBe(200);

    const revoked = await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys/${created.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));

    const after = await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, created.key);
    expect(after.status).toBe(401);
    expect((await browser.get(`/dashboard/tenants/${tenantId}`)).status).toBe(303);
    // Revoking again, or a key of another tenant, is a 404 that changes nothing.
    const otherTenant = (await h().api('POST', '/api/v1/tenants', { name: 'Other' })).body.id;
    expect((await h().api('POST', `/api/v1/tenants/${otherTenant}/api-keys/${created.id}/revoke`)).status).toBe(404);
  });

  it('lists and revokes keys from the dashboard; a tenant session can revoke but not create', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Dash keys' })).body.id;
    const admin = new DashboardClient(h());
    await admin.signIn(ADMIN_TOKEN);
    await admin.get(`/dashboard/tenants/${tenantId}`);
    const made = await admin.post(`/dashboard/tenants/${tenantId}/api-keys`, { name: 'ops laptop' });
    expect(made.status).toBe(200);
    const key = /value="(pb_key_[^"]+)"/.exec(made.text)![1]!;
    const page = await admin.get(`/dashboard/tenants/${tenantId}`);
    expect(page.text).toContain('ops laptop');
    const keyId = (await h().api('GET', `/api/v1/tenants/${tenantId}/api-keys`)).body.data[0].id as string;

    const tenant = new DashboardClient(h());
    await tenant.signIn(key);
    const own = await tenant.get(`/dashboard/tenants/${tenantId}`);
    expect(own.text).not.toContain('Create an API key');
    expect((await tenant.post(`/dashboard/tenants/${tenantId}/api-keys`, { name: 'sneaky' })).status).toBe(404);

    const revoke = await admin.post(`/dashboard/tenants/${tenantId}/api-keys/${keyId}/revoke`);
    expect(revoke.status).toBe(303);
    expect((await tenant.get(`/dashboard/tenants/${tenantId}`)).status).toBe(303);
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, key)).status).toBe(401);
  });
});
