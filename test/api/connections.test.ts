import { sql } from 'kysely';
import { expect, it } from 'vitest';
import type { AccountCredentials } from '../../sandbox/index';
import { createAccount, createRestrictedKey, useSandbox } from '../connect/sandbox-support';
import { describeEachStore } from '../support/test-context';
import { allSecrets, keys } from './fixtures';

// Creating a connection checks the key with Stripe, so these run against the sandbox with real
// sandbox keys; each test takes a fresh account so one test's connection is never another's
// "reconnect". Format mistakes are refused before any call, so they still use the fixture keys.
const { env, sandbox } = useSandbox();
const used: string[] = [...allSecrets];
const hint = (key: string) => `${key.slice(0, 8)}…${key.slice(-4)}`;

async function newAccount(): Promise<AccountCredentials> {
  const account = await createAccount(sandbox());
  used.push(account.secret_key, account.live_secret_key);
  return account;
}

describeEachStore(
  'connections API',
  (h) => {
    let tenantId = '';
    let firstKey = '';
    const base = () => `/api/v1/tenants/${tenantId}/connections`;
    const create = (body: Record<string, unknown>) => h().api('POST', base(), { name: 'Main', webhook_setup: 'manual', ...body });

    it('creates a connection whose mode comes from the key and whose secrets show only as hints', async () => {
      tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Acme' })).body.id;
      const account = await newAccount();
      firstKey = account.secret_key;
      const response = await create({
        secret_key: account.secret_key,
        publishable_key: account.publishable_key,
        webhook_secret: keys.signingSecret,
        environment: 'stage',
      });
      expect(response.status).toBe(201);
      const connection = response.body;
      expect(connection).toMatchObject({
        tenant_id: tenantId,
        mode: 'test',
        environment: 'stage',
        account_id: account.id,
        secret_key_hint: hint(account.secret_key),
        publishable_key: account.publishable_key,
        is_active: true,
        status: 'active',
        webhook_setup: 'manual',
        webhook_status: 'waiting_for_first_event',
        webhook_url: `http://127.0.0.1:8080/webhooks/stripe/${connection.id}`,
        webhook_endpoint: null,
        permissions: { ok: true, checked: true, missing: [] },
      });
      expect(connection.id).toMatch(/^conn_[0-9A-Za-z]{20}$/);
      expect(connection.enabled_events).toContain('checkout.session.completed');
      expect(connection.webhook_instructions).toContain(connection.webhook_url);
      expect(connection.webhook_instructions).toContain('checkout.session.completed');
      expect(connection.signing_secrets).toEqual([expect.objectContaining({ hint: 'whsec_…2345', expires_at: null })]);
      expect(JSON.stringify(connection)).not.toContain(account.secret_key);
      expect(JSON.stringify(connection)).not.toContain(keys.signingSecret);
    });

    it('answers each pasting mistake with its own 422 code and a fix', async () => {
      const account = await newAccount();
      const cases: [Record<string, unknown>, string, string][] = [
        [{ secret_key: keys.testPublishable }, 'publishable_key_as_secret', 'secret_key'],
        [{ secret_key: 'sk_test_short' }, 'invalid_key_format', 'secret_key'],
        [{ secret_key: keys.signingSecret }, 'webhook_secret_as_api_key', 'secret_key'],
        [{ secret_key: account.secret_key, publishable_key: account.live_publishable_key }, 'mode_mismatch', 'publishable_key'],
        [{ secret_key: account.live_secret_key, publishable_key: account.publishable_key }, 'mode_mismatch', 'publishable_key'],
        [{ secret_key: account.secret_key, publishable_key: keys.testSecret2 }, 'secret_key_as_publishable', 'publishable_key'],
        [{ secret_key: account.secret_key, webhook_secret: keys.endpointId }, 'webhook_secret_looks_like_endpoint_id', 'webhook_secret'],
        [{ secret_key: account.secret_key, webhook_secret: 'hello' }, 'invalid_webhook_secret_format', 'webhook_secret'],
        [{ secret_key: account.secret_key, account_id: 'acme' }, 'invalid_account_id', 'account_id'],
        [{ secret_key: account.secret_key, features: ['teleport'] }, 'validation_failed', 'features.0'],
        [{ secret_key: keys.testSecret }, 'key_rejected_by_stripe', 'secret_key'],
        [{ secret_key: account.secret_key, account_id: 'acct_SomeoneElse123' }, 'account_mismatch', 'account_id'],
        [{ secret_key: account.live_secret_key, webhook_setup: 'auto' }, 'webhook_url_not_public', 'webhook_setup'],
      ];
      for (const [body, code, field] of cases) {
        const response = await create(body);
        expect(response.status, code).toBe(422);
        expect(response.body.error).toMatchObject({ code, field });
        expect(response.body.error.message.length).toBeGreaterThan(30);
        for (const secret of used) expect(response.body.error.message).not.toContain(secret);
      }
      const endpointHint = await create({ secret_key: account.secret_key, webhook_secret: keys.endpointId });
      expect(endpointHint.body.error.message).toMatch(/whsec_/);
      // The rejected key is named only by its hint; the live key + http:// says https and manual.
      expect((await create({ secret_key: keys.testSecret })).body.error.message).toContain('sk_test_…4f2a');
      const liveHttp = (await create({ secret_key: account.live_secret_key, webhook_setup: 'auto' })).body.error.message;
      expect(liveHttp).toMatch(/https:\/\//);
      expect(liveHttp).toMatch(/manual/);
      expect((await h().api('GET', base())).body.data.map((c: any) => c.account_id)).not.toContain(account.id);
    });

    it('marks a manual connection without a signing secret as needing attention, and clears it when one is pasted', async () => {
      const account = await newAccount();
      const created = (await create({ secret_key: account.secret_key })).body;
      expect(created.status).toBe('needs_attention');
      expect(created.webhook_status).toBe('no_signing_secret');
      expect(created.status_reasons[0]).toMatch(/paste its signing secret/);
      const patched = await h().api('PATCH', `${base()}/${created.id}`, { webhook_secret: keys.signingSecret });
      expect(patched.status).toBe(200);
      expect(patched.body.status).toBe('active');
      expect(patched.body.webhook_status).toBe('waiting_for_first_event');
    });

    it('rotates the signing secret with an overlap, swaps keys within one mode, disables and disconnects', async () => {
      const account = await newAccount();
      const created = (await create({ secret_key: account.secret_key, webhook_secret: keys.signingSecret })).body;
      const url = `${base()}/${created.id}`;
      const rotated = (await h().api('PATCH', url, { webhook_secret: keys.signingSecret2 })).body;
      expect(rotated.signing_secrets).toHaveLength(2);
      const old = rotated.signing_secrets.find((s: any) => s.hint === 'whsec_…2345');
      const overlapMs = Date.parse(old.expires_at) - Date.now();
      expect(overlapMs).toBeGreaterThan(23 * 3_600_000);
      expect(overlapMs).toBeLessThanOrEqual(24 * 3_600_000);

      const liveKey = await h().api('PATCH', url, { secret_key: account.live_secret_key });
      expect(liveKey.status).toBe(422);
      expect(liveKey.body.error.code).toBe('mode_mismatch');
      // A key Stripe rejects, or one of another account, never replaces the working key.
      const rejected = await h().api('PATCH', url, { secret_key: keys.testSecret2 });
      expect(rejected.status).toBe(422);
      expect(rejected.body.error.code).toBe('key_rejected_by_stripe');
      const other = await newAccount();
      const foreign = await h().api('PATCH', url, { secret_key: other.secret_key });
      expect(foreign.status).toBe(422);
      expect(foreign.body.error.code).toBe('account_mismatch');
      expect((await h().api('GET', url)).body.secret_key_hint).toBe(hint(account.secret_key));
      const restricted = await createRestrictedKey(sandbox(), account.id, ['rak_event_read', 'rak_customer_read']);
      used.push(restricted);
      const newKey = await h().api('PATCH', url, { secret_key: restricted, features: ['customers'] });
      expect(newKey.status).toBe(200);
      expect(newKey.body.secret_key_hint).toBe(hint(restricted));
      expect(newKey.body.permissions).toMatchObject({ ok: true, checked: true, missing: [] });

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
      for (const secret of used) expect(dump).not.toContain(secret);
      // The sealed value really opens to the key, proving it is stored, not dropped.
      const row = await db
        .selectFrom('connections')
        .select(['id', 'secret_key_sealed'])
        .where('secret_key_hint', '=', hint(firstKey))
        .executeTakeFirstOrThrow();
      expect(h().ctx.secrets.open(row.secret_key_sealed, `connections.secret_key:${row.id}`)).toBe(firstKey);
    });

    it('keeps every secret out of the log lines written during the run', () => {
      expect(h().logLines.length).toBeGreaterThan(0);
      const logs = h().logLines.join('\n');
      for (const secret of used) expect(logs).not.toContain(secret);
    });
  },
  env,
);
