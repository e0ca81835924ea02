import { describe, expect, it } from 'vitest';
import { bindingFor } from '../../src/crypto/sealed-columns';
import { checkMasterKey } from '../../src/crypto/master-key-check';
import { createSecretBox, generateMasterKey } from '../../src/crypto/secret-box';
import { createApp } from '../../src/http/app';
import { newId } from '../../src/ids';
import { insertConnection } from '../../src/store/connections';
import { manualConnectionRow } from '../support/test-connections';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { ADMIN_TOKEN, createHarness, describeEachStore } from '../support/test-context';

/** Issue 18 item 6: a wrong master key is found at start and in /readyz, not by every webhook failing. */
describeEachStore('master key check', (h) => {
  it('checks from the first start (the token-hashing key is sealed then), passes with nothing sealed, and with the right key', async () => {
    expect(await checkMasterKey(h().ctx)).toEqual({ ok: true, checked: true });
    await h().ctx.store.db.deleteFrom('token_hash_keys').execute();
    expect(await checkMasterKey(h().ctx)).toEqual({ ok: true, checked: false });
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Sealed' })).body.id;
    const id = newId('connection');
    await insertConnection(
      h().ctx.store.db,
      manualConnectionRow({
        id,
        tenantId,
        name: 'Main',
        secretKeySealed: h().ctx.secrets.seal('sk_test_x', bindingFor('connections', id)),
      }),
    );
    expect(await checkMasterKey(h().ctx)).toEqual({ ok: true, checked: true });
    const ready = await h().app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', master_key: 'ok' });
  });

  it('refuses another key with a message that says what to do, and /readyz answers 503', async () => {
    const wrong = { ...h().ctx, secrets: createSecretBox(generateMasterKey()) };
    const check = await checkMasterKey(wrong);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.message).toMatch(/PAYBRIDGE_MASTER_KEY does not open the secrets stored in this database/);
    expect(JSON.stringify(check)).not.toContain(wrong.config.masterKey ?? 'none');
    const ready = await createApp(wrong).request('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', master_key: 'wrong' });
  });
});

describe('paybridge serve with the wrong master key [postgres]', () => {
  it('refuses to start, saying the key does not open the stored secrets', async () => {
    const h = await createHarness('postgres');
    try {
      const tenantId = (await h.api('POST', '/api/v1/tenants', { name: 'Sealed' })).body.id;
      const id = newId('connection');
      await insertConnection(
        h.ctx.store.db,
        manualConnectionRow({
          id,
          tenantId,
          name: 'Main',
          secretKeySealed: h.ctx.secrets.seal('sk_test_x', bindingFor('connections', id)),
        }),
      );
      const started = startPaybridgeProcess({
        PAYBRIDGE_DATABASE_URL: h.store.url!,
        PAYBRIDGE_MASTER_KEY: generateMasterKey(),
        PAYBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
        PAYBRIDGE_ROLE: 'web',
      });
      await expect(started).rejects.toThrow(/PAYBRIDGE_MASTER_KEY does not open the secrets stored in this database/);
    } finally {
      await h.close();
    }
  }, 90_000);
});
