import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { manualConnectionRow } from '../../test/support/test-connections';
import { describeEachStore, type TestHarness } from '../../test/support/test-context';
import { newId } from '../ids';
import { insertConnection } from '../store/connections';
import { insertSigningSecret } from '../store/signing-secrets';
import { insertTenant } from '../store/tenants';
import { rotateMasterKey } from './rotate-master-key';
import { SEALED_COLUMNS, bindingFor } from './sealed-columns';
import { createSecretBox, generateMasterKey, type SecretBox } from './secret-box';

/** Seeds connections and signing secrets straight through the store, sealed by `box`; returns binding → plaintext. */
async function seed(h: TestHarness, box: SecretBox, count: number): Promise<Map<string, string>> {
  const expected = new Map<string, string>();
  const tenant = await insertTenant(h.ctx.store.db, `Rotation ${count}`);
  for (let i = 0; i < count; i += 1) {
    const id = newId('connection');
    const secretKey = `sk_test_rotation${i}${id.slice(5)}`;
    await insertConnection(
      h.ctx.store.db,
      manualConnectionRow({
        id,
        tenantId: tenant.id,
        name: `c${i}`,
        secretKeySealed: box.seal(secretKey, bindingFor('connections', id)),
        secretKeyHint: 'sk_test_…',
        features: ['payments'],
      }),
    );
    expected.set(bindingFor('connections', id), secretKey);
    for (let j = 0; j < 2; j += 1) {
      const secret = `whsec_rotation${i}x${j}${id.slice(5)}`;
      const row = await insertSigningSecret(h.ctx.store.db, {
        connectionId: id,
        seal: (secretId) => box.seal(secret, bindingFor('signing_secrets', secretId)),
        hint: 'whsec_…',
      });
      expected.set(bindingFor('signing_secrets', row.id), secret);
    }
  }
  return expected;
}

/** Every sealed value in the database with the binding it was sealed under. */
async function sealedValues(h: TestHarness): Promise<{ binding: string; sealed: string }[]> {
  const values: { binding: string; sealed: string }[] = [];
  for (const entry of SEALED_COLUMNS) {
    const rows = await sql<{
      id: string;
      sealed: string;
    }>`select id, ${sql.ref(entry.column)} as sealed from ${sql.table(entry.table)}`.execute(h.ctx.store.db);
    for (const row of rows.rows) values.push({ binding: entry.binding(row.id), sealed: row.sealed });
  }
  return values.sort((a, b) => a.binding.localeCompare(b.binding));
}

describeEachStore('master key rotation', (h) => {
  it('re-encrypts every secret: the old key opens none of them, the new key opens all', async () => {
    const expected = await seed(h(), h().ctx.secrets, 4);
    // The token-hashing key, made when the harness stored its admin token, is one more sealed secret.
    const tokenKey = await h().ctx.store.db.selectFrom('token_hash_keys').selectAll().executeTakeFirstOrThrow();
    const tokenKeyBinding = bindingFor('token_hash_keys', tokenKey.id);
    expected.set(tokenKeyBinding, h().ctx.secrets.open(tokenKey.key_sealed, tokenKeyBinding));
    const next = createSecretBox(generateMasterKey());
    const progress: number[] = [];
    const result = await rotateMasterKey(h().ctx.store.db, h().ctx.secrets, next, (done) => progress.push(done));

    expect(result.total).toBe(13);
    expect(result.reencrypted).toEqual({
      'connections.secret_key_sealed': 4,
      'signing_secrets.secret_sealed': 8,
      'token_hash_keys.key_sealed': 1,
      'webhook_endpoint_secrets.secret_sealed': 0,
    });
    expect(progress.at(-1)).toBe(13);
    const values = await sealedValues(h());
    expect(values).toHaveLength(13);
    for (const { binding, sealed } of values) {
      expect(sealed.split('.')[1]).toBe(next.keyId);
      expect(() => h().ctx.secrets.open(sealed, binding)).toThrow(/sealed with master key/);
      expect(next.open(sealed, binding)).toBe(expected.get(binding));
    }
  });

  it('changes nothing when one value cannot be opened, so no secret is stranded under a lost key', async () => {
    const db = h().ctx.store.db;
    await db.deleteFrom('signing_secrets').execute();
    await db.deleteFrom('connections').execute();
    await db.deleteFrom('token_hash_keys').execute();
    const current = createSecretBox(generateMasterKey());
    await seed(h(), current, 3);
    // One signing secret sealed under a key the rotation does not hold. Connections are re-sealed
    // before signing secrets, so the rotation has already rewritten rows when it meets this one.
    const stray = await db.selectFrom('signing_secrets').select('id').limit(1).executeTakeFirstOrThrow();
    const foreign = createSecretBox(generateMasterKey());
    await db
      .updateTable('signing_secrets')
      .set({ secret_sealed: foreign.seal('whsec_stray', bindingFor('signing_secrets', stray.id)) })
      .where('id', '=', stray.id)
      .execute();
    const before = await sealedValues(h());

    await expect(rotateMasterKey(db, current, createSecretBox(generateMasterKey()))).rejects.toThrow(/sealed with master key/);

    expect(await sealedValues(h())).toEqual(before);
    for (const { binding, sealed } of before) {
      if (binding.endsWith(stray.id)) continue;
      expect(current.open(sealed, binding)).toMatch(/^(sk_test|whsec)_rotation/);
    }
  });
});
