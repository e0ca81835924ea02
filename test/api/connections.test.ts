import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachStore } from '../support/test-context';
import { allSecrets, keys } from './fixtures';

describeEachStore('connections API', (h) => {
  let tenantId = '';
  const base = () => `/api/v1/tenants/${tenantId}/connections`;
  const create = (body: Record<string, unknown>) =>
    h().api('POST', base(), { name: 'Main', webhook_setup: 'manual', ...body });

  it('creates a connection whose mode comes from the key and whose secrets show only as hints', async () => {
    tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Acme' })).body.id;
    const response = await create({ secret_key: keys.testSecret, publishable_key: keys.testPublishable, webhook_secret: keys.signingSecret, environment: 'stage' });
    expect(response.status).toBe(201);
    const connection = response.body;
    expect(connection).toMatchObject({
      tenant_id: tenantId,
      mode: 'test',
      environment: 'stage',
      secret_key_hint: 'sk_test_…4f2a',
      publishable_key: keys.testPublishable,
      is_active: true,
      status: 'active',
      webhook_setup: 'manual',
      webhook_status: 'waiting_for_first_event',
      webhook_url: `http://127.0.0.1:8080/webhooks/stripe/${connection.id}`,
    });
    expect(connection.id).toMatch(/^conn_[0-9A-Za-z]{20}$/);
    expect(connection.enabled_events).toContain('checkout.session.completed');
    expect(connection.signing_secrets).toEqual([expect.objectContaining({ hint: 'whsec_…2345', expires_at: null })]);
    expect(JSON.stringify(connection)).not.toContain(keys.testSecret);
    expect(JSON.stringify(connection)).not.toContain(keys.signingSecret);
  });

  it('answers each pasting mistake with its own 422 code and a fix', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ secret_key: keys.testPublishable }, 'publishable_key_as_secret', 'secret_key'],
      [{ secret_key: 'sk_test_short' }, 'invalid_key_format', 'secret_key'],
      [{ secret_key: keys.signingSecret }, 'webhook_secret_as_api_key', 'secret_key'],
      [{ secret_key: keys.testSecret, publishable_key: keys.livePublishable }, 'mode_mismatch', 'publishable_key'],
      [{ secret_key: keys.testSecret, publishable_key: keys.testSecret2 }, 'secret_key_as_publishable', 'publishable_key'],
      [{ secret_key: keys.testSecret, webhook_secret: keys.endpointId }, 'webhook_secret_looks_like_endpoint_id', 'webhook_secret'],
      [{ secret_key: keys.testSecret, webhook_secret: 'hello' }, 'invalid_webhook_secret_format', 'webhook_secret'],
      [{ secret_key: keys.testSecret, account_id: 'acme' }, 'invalid_account_id', 'account_id'],
      [{ secret_key: keys.testSecret, features: ['teleport'] }, 'validation_failed', 'features.0'],
    ];
    for (const [body, code, field] of cases) {
      const response = await create(body);
      expect(response.status, code).toBe(422);
      expect(response.body.error).toMatchObject({ code, field });
      expect(response.body.error.message.length).toBeGreaterThan(30);
      for (const secret of allSecrets) expect(response.body.error.message).not.toContain(secret);
    }
    const endpointHint = await create({ secret_key: keys.testSecret, webhook_secret: keys.endpointId });
    expect(endpointHint.body.error.message).toMatch(/whsec_/);
  });

  it('marks a manual connection without a signing secret as needing attention, and clears it when one is pasted', async () => {
    const created = (await create({ secret_key: keys.testSecret })).body;
    expect(created.status).toBe('needs_attention');
    expect(created.webhook_status).toBe('no_signing_secret');
    expect(created.status_reasons[0]).toMatch(/paste its signing secret/);
    const patched = await h().api('PATCH', `${base()}/${created.id}`, { webhook_secret: keys.signingSecret });
    expect(patched.status).toBe(200);
    expect(patched.body.status).toBe('active');
  });

  it('rotates the signing secret with an overlap, swaps keys within one mode, disables and disconnects', async () => {
    const created = (await create({ secret_key: keys.testSecret, webhook_secret: keys.signingSecret })).body;
    const url = `${base()}/${created.id}`;
    const rotated = (await h().api('PATCH', url, { webhook_secret: keys.signingSecret2 })).body;
    expect(rotated.signing_secrets).toHaveLength(2);
    const old = rotated.signing_secrets.find((s: any) => s.hint === 'whsec_…2345');
    const overlapMs = Date.parse(old.expires_at) - Date.now();
    expect(overlapMs).toBeGreaterThan(23 * 3_600_000);
    expect(overlapMs).toBeLessThanOrEqual(24 * 3_600_000);

    const liveKey = await h().api('PATCH', url, { secret_key: keys.liveSecret });
    expect(liveKey.status).toBe(422);
    expect(liveKey.body.error.code).toBe('mode_mismatch');
    const newKey = await h().api('PATCH', url, { secret_key: keys.testSecret2 });
    expect(newKey.body.secret_key_hint).toBe('sk_test_…9b1c');

    const disabled = (await h().api('PATCH', url, { is_active: false })).body;
    expect(disabled).toMatchObject({ is_active: false, status: 'disabled' });
    const enabled = (await h().api('PATCH', url, { is_active: true })).body;
    expect(enabled.status).toBe('active');

    const empty = await h().api('PATCH', url, {});
    expect(empty.status).toBe(422);

    const removed = await h().api('DELETE', url);
    expect(removed.body).toMatchObject({ status: 'disconnected', is_active: false });
    expect(removed.body.disconnected_at).toEqual(expect.any(String));
    const list = (await h().api('GET', base())).body.data.map((c: any) => c.id);
    expect(list).not.toContain(created.id);
    expect((await h().api('GET', url)).status).toBe(200);
    const afterwards = await h().api('PATCH', url, { name: 'again' });
    expect(afterwards.status).toBe(409);
  });

  it('never stores a secret in plaintext', async () => {
    const db = h().ctx.store.db;
    const rows = await sql<{ row: string }>`select row_to_json(c)::text as row from connections c`.execute(db);
    const secretRows = await sql<{ row: string }>`select row_to_json(s)::text as row from signing_secrets s`.execute(db);
    const dump = [...rows.rows, ...secretRows.rows].map((r) => r.row).join('\n');
    expect(rows.rows.length).toBeGreaterThanOrEqual(3);
    expect(secretRows.rows.length).toBeGreaterThan(2);
    for (const secret of allSecrets) expect(dump).not.toContain(secret);
    // The sealed value really opens to the key, proving it is stored, not dropped.
    const row = await db.selectFrom('connections').select(['id', 'secret_key_sealed']).where('secret_key_hint', '=', 'sk_test_…4f2a').executeTakeFirstOrThrow();
    expect(h().ctx.secrets.open(row.secret_key_sealed, `connections.secret_key:${row.id}`)).toBe(keys.testSecret);
  });

  it('keeps every secret out of the log lines written during the run', () => {
    expect(h().logLines.length).toBeGreaterThan(0);
    const logs = h().logLines.join('\n');
    for (const secret of allSecrets) expect(logs).not.toContain(secret);
  });
});
