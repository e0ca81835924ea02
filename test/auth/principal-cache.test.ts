import { once } from 'node:events';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { ADMIN_TOKEN, createHarness, describeEachStore, type TestHarness } from '../support/test-context';

/** Polls `check` every 20 ms until it holds or `ms` pass (bounded). */
async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/**
 * Bearer tokens that matched are answered from a short-lived principal cache (src/auth/principal-cache.ts);
 * revoking a key drops it at once in this process, and through a notification in the others.
 */
describeEachStore('the principal cache forgets a revoked key', (h) => {
  it('a key revoked in this process stops working on the very next request', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Revoking' })).body.id;
    const created = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`, { name: 'soon gone' })).body;
    const call = () => h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, created.key);
    // Twice: the second answer comes from the cache.
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const revoked = await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys/${created.id}/revoke`);
    expect(revoked.status).toBe(200);
    const after = await call();
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('a key that revokes itself is refused on its next request', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Self' })).body.id;
    const created = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body;
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, created.key)).status).toBe(200);
    const revoked = await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys/${created.id}/revoke`, undefined, created.key);
    expect(revoked.status).toBe(200);
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, created.key)).status).toBe(401);
  });

  it('a wrong token is never cached: a key created after a refused attempt works at once', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Fresh' })).body.id;
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, 'pb_key_not_a_real_key_0000')).status).toBe(401);
    const created = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body;
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, created.key)).status).toBe(200);
  });
});

describe('a key revoked by another process stops working in a web process [postgres]', () => {
  let h: TestHarness;
  let web: Awaited<ReturnType<typeof startPaybridgeProcess>> | undefined;
  beforeAll(async () => {
    h = await createHarness('postgres');
  });
  afterAll(async () => {
    if (web?.child.exitCode === null) {
      web.child.kill('SIGTERM');
      await once(web.child, 'exit');
    }
    await h?.close();
  });

  it('hears the revocation through a notification, well before the cache safety bound (10 s)', async () => {
    web = await startPaybridgeProcess({
      PAYBRIDGE_DATABASE_URL: h.store.url!,
      PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
      PAYBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
      PAYBRIDGE_ROLE: 'web',
    });
    const listening = await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen paybridge'`.execute(
        h.ctx.store.db,
      );
      return rows[0]!.n > 0;
    }, 10_000);
    expect(listening).toBe(true);
    const tenantId = (await h.api('POST', '/api/v1/tenants', { name: 'Elsewhere' })).body.id;
    const created = (await h.api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body;
    const status = async () =>
      (await fetch(`${web!.url}/api/v1/tenants/${tenantId}`, { headers: { authorization: `Bearer ${created.key}` } })).status;
    expect(await status()).toBe(200);
    expect(await status()).toBe(200);
    // Revoked here, in the test process: the web process learns of it from PostgreSQL.
    expect((await h.api('POST', `/api/v1/tenants/${tenantId}/api-keys/${created.id}/revoke`)).status).toBe(200);
    expect(await waitFor(async () => (await status()) === 401, 5_000)).toBe(true);
  });
});
