import { expect, it } from 'vitest';
import { requiredPermissions } from '../../src/stripe/permissions';
import { ALL_FEATURES } from '../../src/stripe/features';
import { describeEachStore } from '../support/test-context';
import { createAccount, createRestrictedKey, useSandbox } from './sandbox-support';

const { env, sandbox } = useSandbox();

describeEachStore(
  'connect checks: permission preflight and endpoint limit',
  (h) => {
    it('names exactly the permissions a restricted key lacks, keeps the connection usable and re-checks on demand', async () => {
      const account = await createAccount(sandbox());
      const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Restricted' })).body.id;
      // Everything every feature needs (plus balance and account reads), except Prices read and
      // Webhook Endpoints write.
      const everything = requiredPermissions(ALL_FEATURES, 'auto').map((p) => p.name);
      expect(everything).toEqual(
        expect.arrayContaining([
          'rak_plan_read',
          'rak_webhook_write',
          'rak_customer_portal_write',
          'rak_payment_link_write',
          'rak_event_read',
        ]),
      );
      const granted = everything.filter((name) => name !== 'rak_plan_read' && name !== 'rak_webhook_write');
      const key = await createRestrictedKey(sandbox(), account.id, granted);

      const response = await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, {
        name: 'Shop',
        secret_key: key,
        publishable_key: account.publishable_key,
      });
      expect(response.status).toBe(201);
      const connection = response.body;
      expect(connection.permissions).toMatchObject({ ok: false, checked: true, missing: ['rak_plan_read', 'rak_webhook_write'] });
      expect(connection.permissions.required_writes).toEqual(
        expect.arrayContaining([
          'rak_checkout_session_write',
          'rak_customer_portal_write',
          'rak_customer_write',
          'rak_payment_intent_write',
          'rak_payment_link_write',
          'rak_webhook_write',
        ]),
      );
      expect(connection.permissions.checked_at).toEqual(expect.any(String));
      // The account id comes from Stripe's 403 even though the key may not read the account.
      expect(connection.account_id).toBe(account.id);
      expect(connection.status).toBe('needs_attention');
      expect(connection.webhook_endpoint).toBeNull();
      expect(connection.status_reasons.join('\n')).toMatch(/rak_plan_read \(Prices → Read\)/);
      expect(connection.status_reasons.join('\n')).toMatch(/rak_webhook_write/);
      expect(connection.status_reasons.join('\n')).toMatch(/\/repair/);

      const checked = await h().api('POST', `/api/v1/tenants/${tenantId}/connections/${connection.id}/check`);
      expect(checked.status).toBe(200);
      expect(checked.body.permissions.missing).toEqual(['rak_plan_read', 'rak_webhook_write']);

      // A key with everything replaces it, and the endpoint is registered now that it may be.
      const full = await createRestrictedKey(sandbox(), account.id, everything);
      const rotated = await h().api('PATCH', `/api/v1/tenants/${tenantId}/connections/${connection.id}`, { secret_key: full });
      expect(rotated.status).toBe(200);
      expect(rotated.body.permissions).toMatchObject({ ok: true, missing: [] });
      expect(rotated.body.webhook_endpoint).toMatchObject({ id: expect.stringMatching(/^we_/), status: 'enabled' });
      expect(rotated.body.status).toBe('active');
      expect(rotated.body.status_reasons).toEqual([]);
      const endpoints = await sandbox().stripe(account.secret_key).webhookEndpoints.list();
      expect(endpoints.data).toHaveLength(1);
      await h().api('DELETE', `/api/v1/tenants/${tenantId}/connections/${connection.id}`);
    });

    it('asks a catalog-only key with manual setup for no webhook or write permission', async () => {
      const account = await createAccount(sandbox());
      const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Manual' })).body.id;
      const key = await createRestrictedKey(sandbox(), account.id, ['rak_event_read', 'rak_product_read', 'rak_plan_read']);
      const response = await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, {
        name: 'Catalog only',
        secret_key: key,
        account_id: account.id,
        features: ['catalog'],
        webhook_setup: 'manual',
      });
      expect(response.status).toBe(201);
      expect(response.body.permissions).toMatchObject({ ok: true, missing: [], required_writes: [] });
      expect(response.body.status_reasons).toEqual([expect.stringMatching(/^webhook_secret_missing/)]);
    });

    it('refuses auto setup with a clear error when the account already has 16 webhook endpoints, saving nothing', async () => {
      const account = await createAccount(sandbox());
      const stripe = sandbox().stripe(account.secret_key);
      for (let i = 0; i < 16; i += 1)
        await stripe.webhookEndpoints.create({ url: `https://example.com/hook/${i}`, enabled_events: ['charge.succeeded'] });
      const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Full' })).body.id;
      const response = await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, { name: 'Full', secret_key: account.secret_key });
      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({ code: 'webhook_endpoint_limit_reached', field: 'webhook_setup' });
      expect(response.body.error.message).toMatch(/16 webhook endpoints.*Delete an unused one.*manual/);
      expect((await h().api('GET', `/api/v1/tenants/${tenantId}/connections`)).body.data).toEqual([]);
      expect((await stripe.webhookEndpoints.list({ limit: 100 })).data).toHaveLength(16);
    });
  },
  env,
);
