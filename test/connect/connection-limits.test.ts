import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids';
import { insertConnection } from '../../src/store/connections';
import { createHarness, type TestHarness } from '../support/test-context';
import { manualConnectionRow } from '../support/test-connections';
import { createAccount, useSandbox } from './sandbox-support';

const { sandbox } = useSandbox();

/**
 * Issue 18 item 13: a tenant's connections are paged like every other list, and capped with an error
 * that names the setting, so one tenant cannot grow the backfill rounds and endpoints without bound.
 */
describe('connections per tenant: paged list and a configurable cap', () => {
  let h: TestHarness;
  let tenantId = '';

  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_STRIPE_API_BASE: sandbox().url, PAYBRIDGE_MAX_CONNECTIONS_PER_TENANT: '5' });
    tenantId = (await h.api('POST', '/api/v1/tenants', { name: 'Many connections' })).body.id;
    // Four connections written straight to the store, one second apart, oldest first.
    for (let i = 0; i < 4; i += 1) {
      const id = newId('connection');
      await insertConnection(h.ctx.store.db, {
        ...manualConnectionRow({ id, tenantId, name: `Stored ${i}`, secretKeySealed: 'unused' }),
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      });
    }
  });
  afterAll(async () => h?.close());

  const base = () => `/api/v1/tenants/${tenantId}/connections`;

  it('pages the list newest first with the cursor it hands out: every connection once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 5; pages += 1) {
      const response: { status: number; body: any } = await h.api('GET', `${base()}?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      seen.push(...response.body.data.map((c: { name: string }) => c.name));
      cursor = response.body.next_cursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['Stored 3', 'Stored 2', 'Stored 1', 'Stored 0']);
  });

  it('connects up to the cap, then refuses a new account with 409 naming PAYBRIDGE_MAX_CONNECTIONS_PER_TENANT; a reconnection still works', async () => {
    const first = await createAccount(sandbox());
    const connect = (secretKey: string, name: string) =>
      h.api('POST', base(), { name, secret_key: secretKey, webhook_setup: 'manual', webhook_secret: `whsec_${'k'.repeat(32)}` });
    const fifth = await connect(first.secret_key, 'Fifth');
    expect(fifth.status, JSON.stringify(fifth.body)).toBe(201);

    const second = await createAccount(sandbox());
    const refused = await connect(second.secret_key, 'Sixth');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('connection_limit_reached');
    expect(refused.body.error.message).toContain('PAYBRIDGE_MAX_CONNECTIONS_PER_TENANT (5)');
    expect(refused.body.error.message).not.toContain(second.secret_key);
    expect((await h.api('GET', `${base()}?limit=100`)).body.data).toHaveLength(5);

    // The same account again is a reconnection of the fifth, not a new connection: the cap does not apply.
    const again = await connect(first.secret_key, 'Fifth again');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.id).toBe(fifth.body.id);
  });
});
