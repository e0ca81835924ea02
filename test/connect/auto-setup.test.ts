import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { AccountCredentials } from '../../sandbox/index';
import { runDriftChecks } from '../../src/connections/connection-service';
import { startServer, type RunningServer } from '../../src/server';
import { STRIPE_API_VERSION } from '../../src/stripe/client';
import { eventsForFeatures } from '../../src/stripe/features';
import { createHarness, type TestHarness } from '../support/test-context';
import { STORE_KINDS } from '../support/test-store';
import { freePort } from '../support/free-port';
import { createAccount, useSandbox } from './sandbox-support';

const { sandbox } = useSandbox();

// Stripe (here the sandbox) must reach Paybridge over HTTP, so Paybridge runs as a real server whose
// URL is PAYBRIDGE_PUBLIC_URL; the port is picked before the harness so the config can name it.
for (const kind of STORE_KINDS) {
  describe(`automatic webhook endpoint setup [${kind}]`, () => {
    let h: TestHarness;
    let server: RunningServer;
    let account: AccountCredentials;
    let stripe: Stripe;
    let tenantId: string;
    let connectionId: string;
    const base = () => `/api/v1/tenants/${tenantId}/connections`;
    const endpoints = async () => (await stripe.webhookEndpoints.list({ limit: 100 })).data;

    beforeAll(async () => {
      const port = await freePort();
      h = await createHarness(kind, { PAYBRIDGE_STRIPE_API_BASE: sandbox().url, PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}` });
      server = await startServer(h.ctx, { host: '127.0.0.1', port });
      account = await createAccount(sandbox());
      stripe = sandbox().stripe(account.secret_key);
      tenantId = (await h.api('POST', '/api/v1/tenants', { name: 'Auto' })).body.id;
    });
    afterAll(async () => {
      // The sandbox's delivery sockets are keep-alive; close them rather than wait for their timeout.
      const closing = server?.close();
      (server?.server as { closeAllConnections?: () => void } | undefined)?.closeAllConnections?.();
      await closing;
      await h?.close();
    });

    /** Emits an event in the sandbox and waits until its delivery to Paybridge settled. */
    async function deliverCustomerEvent(): Promise<{ eventId: string; status: number | null }> {
      const customer = await stripe.customers.create({ email: `a${Date.now()}@example.com` });
      expect(await sandbox().waitForDeliveries(10_000)).toBe(true);
      const event = (await stripe.events.list({ limit: 1, type: 'customer.created' })).data[0]!;
      expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
      const delivery = sandbox()
        .deliveries()
        .filter((d) => d.event_id === event.id);
      expect(delivery, `deliveries for ${event.id}`).toHaveLength(1);
      return { eventId: event.id, status: delivery[0]!.attempts.at(-1)!.status_code };
    }

    it("registers one endpoint with exactly the features' events, and a sandbox event arrives, verifies and is stored", async () => {
      const response = await h.api('POST', base(), {
        name: 'Shop',
        secret_key: account.secret_key,
        publishable_key: account.publishable_key,
        features: ['customers', 'catalog'],
      });
      expect(response.status).toBe(201);
      const connection = response.body;
      connectionId = connection.id;
      expect(connection).toMatchObject({
        status: 'active',
        webhook_setup: 'auto',
        webhook_status: 'waiting_for_first_event',
        webhook_instructions: null,
        account_id: account.id,
      });
      expect(connection.webhook_url).toBe(`${server.url}/webhooks/stripe/${connectionId}`);
      expect(connection.signing_secrets).toHaveLength(1);

      const listed = await endpoints();
      expect(listed).toHaveLength(1);
      const endpoint = listed[0]!;
      expect(endpoint).toMatchObject({ url: connection.webhook_url, status: 'enabled', api_version: STRIPE_API_VERSION });
      expect([...endpoint.enabled_events].sort()).toEqual(eventsForFeatures(['customers', 'catalog']));
      expect(endpoint.metadata).toMatchObject({ paybridge: 'true', paybridge_connection_id: connectionId, paybridge_tenant_id: tenantId });
      expect(connection.webhook_endpoint).toMatchObject({
        id: endpoint.id,
        status: 'enabled',
        url: endpoint.url,
        api_version: STRIPE_API_VERSION,
      });

      const { eventId, status } = await deliverCustomerEvent();
      expect(status).toBe(200);
      const stored = await h.ctx.store.db
        .selectFrom('events')
        .select(['type', 'connection_id', 'tenant_id'])
        .where('stripe_event_id', '=', eventId)
        .execute();
      expect(stored).toEqual([{ type: 'customer.created', connection_id: connectionId, tenant_id: tenantId }]);
    });

    it('connecting again or changing features leaves one endpoint with the new events', async () => {
      const before = (await endpoints())[0]!.id;
      const again = await h.api('POST', base(), {
        name: 'Shop again',
        secret_key: account.secret_key,
        features: ['customers', 'payments'],
      });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(connectionId);
      let listed = await endpoints();
      expect(listed.map((e) => e.id)).toEqual([before]);
      expect([...listed[0]!.enabled_events].sort()).toEqual(eventsForFeatures(['customers', 'payments']));

      const patched = await h.api('PATCH', `${base()}/${connectionId}`, { features: ['customers', 'disputes'] });
      expect(patched.status).toBe(200);
      listed = await endpoints();
      expect(listed).toHaveLength(1);
      expect([...listed[0]!.enabled_events].sort()).toEqual(eventsForFeatures(['customers', 'disputes']));
      expect(patched.body.webhook_endpoint.enabled_events).toEqual(eventsForFeatures(['customers', 'disputes']));
      expect(patched.body.status).toBe('active');
    });

    it('detects a deleted or disabled endpoint on check and restores it on repair, with a new stored secret', async () => {
      const url = `${base()}/${connectionId}`;
      const old = (await endpoints())[0]!;
      await stripe.webhookEndpoints.del(old.id);
      const checked = await h.api('POST', `${url}/check`);
      expect(checked.status).toBe(200);
      expect(checked.body.status).toBe('needs_attention');
      expect(checked.body.status_reasons).toEqual([expect.stringMatching(new RegExp(`^webhook_endpoint_missing: .*${old.id}.*/repair`))]);

      const repaired = await h.api('POST', `${url}/repair`);
      expect(repaired.status).toBe(200);
      expect(repaired.body.status).toBe('active');
      expect(repaired.body.status_reasons).toEqual([]);
      const listed = await endpoints();
      expect(listed).toHaveLength(1);
      expect(listed[0]!.id).not.toBe(old.id);
      expect(repaired.body.webhook_endpoint.id).toBe(listed[0]!.id);
      expect(repaired.body.signing_secrets).toHaveLength(2);
      // Deliveries from the recreated endpoint verify with the secret repair stored.
      expect((await deliverCustomerEvent()).status).toBe(200);

      await stripe.webhookEndpoints.update(listed[0]!.id, { disabled: true, url: 'https://example.com/elsewhere' });
      const drift = await runDriftChecks(h.ctx);
      expect(drift).toMatchObject({ needsAttention: [connectionId], failed: [] });
      const flagged = (await h.api('GET', url)).body;
      expect(flagged.status).toBe('needs_attention');
      expect(flagged.status_reasons[0]).toMatch(/^webhook_endpoint_disabled: .*disabled.*example\.com\/elsewhere/);
      const fixed = await h.api('POST', `${url}/repair`);
      expect(fixed.body.status).toBe('active');
      expect((await endpoints()).map((e) => [e.id, e.status, e.url])).toEqual([[listed[0]!.id, 'enabled', fixed.body.webhook_url]]);
    });

    it('disconnect deletes the endpoint, keeps the history, and later deliveries get 404', async () => {
      const removed = await h.api('DELETE', `${base()}/${connectionId}`);
      expect(removed.body).toMatchObject({ status: 'disconnected', webhook_endpoint: null });
      expect(await endpoints()).toEqual([]);
      const stored = await h.ctx.store.db.selectFrom('events').select('id').where('connection_id', '=', connectionId).execute();
      expect(stored.length).toBeGreaterThanOrEqual(2);
      const late = await fetch(`${server.url}/webhooks/stripe/${connectionId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' },
        body: '{}',
        signal: AbortSignal.timeout(5_000),
      });
      expect(late.status).toBe(404);
    });
  });
}
