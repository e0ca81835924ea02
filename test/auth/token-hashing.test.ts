import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { resolvePrincipal } from '../../src/auth/principal';
import { hashToken } from '../../src/auth/token-hashing';
import { buildContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { rotateMasterKey } from '../../src/crypto/rotate-master-key';
import { createSecretBox, generateMasterKey } from '../../src/crypto/secret-box';
import { legacyTokenHash } from '../../src/crypto/tokens';
import { createLogger } from '../../src/logger';
import { insertApiKey } from '../../src/store/api-keys';
import { openStore } from '../../src/store/database';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';

/**
 * Issue 18 item 11: stored tokens are keyed hashes (HMAC-SHA256 under a sealed per-installation key),
 * so a copy of the database alone cannot test a guessed token; tokens stored before keep working.
 */
describeEachStore('stored token hashes', (h) => {
  /** Every stored hash-like value: API keys, the admin token setting, dashboard sessions. */
  async function storedValues(): Promise<string[]> {
    const db = h().ctx.store.db;
    const keys = await db.selectFrom('api_keys').select('token_hash').execute();
    const settings = await db.selectFrom('settings').select('value').execute();
    const sessions = await sql<{ id_hash: string }>`select id_hash from dashboard_sessions`.execute(db);
    return [...keys.map((k) => k.token_hash), ...settings.map((s) => s.value), ...sessions.rows.map((s) => s.id_hash)];
  }

  it('stores API keys and the admin token as keyed hashes: no plain digest of either is in the database', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Hashes' })).body.id;
    const key = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`, { name: 'ci' })).body.key as string;
    expect((await h().api('GET', `/api/v1/tenants/${tenantId}`, undefined, key)).status).toBe(200);

    const stored = await storedValues();
    const keyed = (await hashToken(h().ctx, key)).keyed;
    expect(keyed).toMatch(/^h1:[0-9a-f]{64}$/);
    expect(stored).toContain(keyed);
    expect(stored).toContain((await hashToken(h().ctx, ADMIN_TOKEN)).keyed);
    expect(stored).not.toContain(legacyTokenHash(key));
    expect(stored).not.toContain(legacyTokenHash(ADMIN_TOKEN));
  });

  it('a key stored as a plain digest (before keyed hashes) still works, once, and is then stored keyed', async () => {
    const db = h().ctx.store.db;
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Legacy' })).body.id;
    const token = 'pb_key_stored_before_keyed_hashes_0123456789';
    const row = await insertApiKey(db, { tenantId, tokenHash: legacyTokenHash(token), hint: 'pb_key_…6789' });

    expect(await resolvePrincipal(h().ctx, token)).toEqual({ kind: 'tenant', tenantId, apiKeyId: row.id });
    const after = await db.selectFrom('api_keys').select('token_hash').where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(after.token_hash).toBe((await hashToken(h().ctx, token)).keyed);
    expect(await resolvePrincipal(h().ctx, token)).toEqual({ kind: 'tenant', tenantId, apiKeyId: row.id });
    expect(await resolvePrincipal(h().ctx, `${token}x`)).toBeUndefined();
  });

  it('tokens keep working after a master-key rotation, in a process that starts with the new key', async () => {
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Rotation' })).body.id;
    const key = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`, { name: 'survivor' })).body.key as string;
    const newMasterKey = generateMasterKey();
    await rotateMasterKey(h().ctx.store.db, h().ctx.secrets, createSecretBox(newMasterKey));

    // A second process on the same database, configured with the new master key only.
    const store = await openStore({ databaseUrl: h().store.url! });
    try {
      const config = loadConfig({ PAYBRIDGE_MASTER_KEY: newMasterKey, PAYBRIDGE_DATA_DIR: '/nonexistent-test-data-dir' });
      const other = await buildContext(config, { store, logger: createLogger({ level: 'silent' }) });
      expect(await resolvePrincipal(other, key)).toEqual({ kind: 'tenant', tenantId, apiKeyId: expect.any(String) });
      expect(await resolvePrincipal(other, ADMIN_TOKEN)).toEqual({ kind: 'admin' });
    } finally {
      await store.close();
    }
  });
});
