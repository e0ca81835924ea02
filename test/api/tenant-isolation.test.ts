import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createAccount, useSandbox } from '../connect/sandbox-support';
import { insertEvents } from '../../src/store/events';
import { invoiceBody } from '../invoices/support';
import { describeEachStore } from '../support/test-context';

// Creating a connection checks its key with Stripe: the sandbox stands in for it.
const { env, sandbox } = useSandbox();

/**
 * Walks every tenant-scoped route the OpenAPI document lists, so a route added later is covered
 * without touching this test: another tenant's key must get 404 (never 403, which would confirm the
 * id exists), the owner's key and the admin token must not.
 */
describeEachStore(
  'tenant isolation',
  (h) => {
    it('gives a tenant key 404 on every route of another tenant', async () => {
      const alpha = (await h().api('POST', '/api/v1/tenants', { name: 'Alpha' })).body;
      const beta = (await h().api('POST', '/api/v1/tenants', { name: 'Beta' })).body;
      const betaKey = (await h().api('POST', `/api/v1/tenants/${beta.id}/api-keys`)).body.key;
      const alphaKey = (await h().api('POST', `/api/v1/tenants/${alpha.id}/api-keys`)).body.key;
      const account = await createAccount(sandbox());
      const connection = (
        await h().api('POST', `/api/v1/tenants/${alpha.id}/connections`, {
          name: 'Main',
          secret_key: account.secret_key,
          webhook_setup: 'manual',
        })
      ).body;
      expect(connection.id).toMatch(/^conn_/);

      const doc = (await h().api('GET', '/api/openapi.json', undefined, null)).body;
      const tenantPaths = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([path]) =>
        path.includes('{tenant_id}'),
      );
      expect(tenantPaths.flatMap(([, operations]) => Object.keys(operations)).length).toBeGreaterThanOrEqual(7);

      let checked = 0;
      for (const [template, operations] of tenantPaths) {
        for (const method of Object.keys(operations)) {
          const path = template
            .replace('{tenant_id}', alpha.id)
            .replace('{connection_id}', connection.id)
            .replace(/\{[a-z_]+\}/g, 'x_missing');
          const body = ['post', 'patch', 'put'].includes(method) ? {} : undefined;
          const foreign = await h().api(method.toUpperCase(), path, body, betaKey);
          expect(foreign.status, `${method.toUpperCase()} ${template} with another tenant's key`).toBe(404);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(tenantPaths.length);

      // The owner and the admin do see the tenant's resources.
      expect((await h().api('GET', `/api/v1/tenants/${alpha.id}/connections/${connection.id}`, undefined, alphaKey)).status).toBe(200);
      expect((await h().api('GET', `/api/v1/tenants/${alpha.id}/connections/${connection.id}`)).status).toBe(200);
      // A tenant key also cannot reach its own tenant's data through another tenant's path.
      expect((await h().api('GET', `/api/v1/tenants/${beta.id}/connections/${connection.id}`, undefined, betaKey)).status).toBe(404);
    });

    it("gives 404 on a tenant's own paths when they carry the real id of another tenant's event, invoice, connection or key", async () => {
      const alpha = (await h().api('POST', '/api/v1/tenants', { name: 'Alpha real ids' })).body;
      const beta = (await h().api('POST', '/api/v1/tenants', { name: 'Beta real ids' })).body;
      const betaKey = (await h().api('POST', `/api/v1/tenants/${beta.id}/api-keys`)).body.key;
      const alphaKey = (await h().api('POST', `/api/v1/tenants/${alpha.id}/api-keys`, { name: 'alpha' })).body;
      const account = await createAccount(sandbox());
      const connection = (
        await h().api('POST', `/api/v1/tenants/${alpha.id}/connections`, {
          name: 'Main',
          secret_key: account.secret_key,
          webhook_setup: 'manual',
        })
      ).body;
      const invoice = (await h().api('POST', `/api/v1/tenants/${alpha.id}/invoices`, invoiceBody(connection.id))).body;
      expect(invoice.id).toMatch(/^inv_/);
      const now = new Date();
      await insertEvents(h().ctx.store.db, [
        {
          connection_id: connection.id,
          tenant_id: alpha.id,
          stripe_event_id: 'evt_AlphaRealId0001',
          type: 'customer.created',
          livemode: false,
          api_version: '2026-10-28.endive',
          stripe_created: Math.floor(now.getTime() / 1000),
          object_id: 'cus_AlphaRealId',
          object_type: 'customer',
          payload: JSON.stringify({
            id: 'evt_AlphaRealId0001',
            object: 'event',
            type: 'customer.created',
            data: { object: { id: 'cus_AlphaRealId' } },
          }),
          source: 'webhook',
          // Paused: a replay that reached it would make it `received`.
          status: 'paused',
          received_at: now,
          next_attempt_at: now,
        },
      ]);
      const event = (await h().api('GET', `/api/v1/tenants/${alpha.id}/events`)).body.data[0];
      expect(event.stripe_event_id).toBe('evt_AlphaRealId0001');
      const customer = (await h().api('POST', `/api/v1/tenants/${alpha.id}/customers`, { external_id: 'alpha_1', email: 'a@example.com' }))
        .body;
      const credits = `/api/v1/tenants/${alpha.id}/customers/${customer.id}/credits`;
      await h().api('POST', `${credits}/grants`, { unit: 'job_credits', amount: 5, idempotency_key: 'alpha_grant' });
      const hold = (await h().api('POST', `${credits}/holds`, { unit: 'job_credits', amount: 2, idempotency_key: 'alpha_hold' })).body;
      expect(hold.id).toMatch(/^chd_/);
      // An outbound webhook endpoint (an IP literal needs no DNS) and one delivery (a queued ping).
      const endpoint = (await h().api('POST', `/api/v1/tenants/${alpha.id}/webhook-endpoints`, { url: 'https://93.184.215.14/hooks' }))
        .body;
      const ping = (await h().api('POST', `/api/v1/tenants/${alpha.id}/webhook-endpoints/${endpoint.id}/test`)).body;
      // Plans, packages, a checkout, a payment request and a catalog import, made through the API.
      const stripe = sandbox().stripe(account.secret_key);
      const product = await stripe.products.create({ name: 'Isolation' });
      const monthly = await stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 1000,
        recurring: { interval: 'month' },
      });
      const once = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500 });
      const made = async (path: string, body?: unknown) => {
        const answer = await h().api('POST', `/api/v1/tenants/${alpha.id}${path}`, body);
        expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
        return answer.body;
      };
      const plan = await made('/plans', { connection_id: connection.id, name: 'Pro', price_ids: [monthly.id], entitlements: ['pro'] });
      const pkg = await made('/packages', {
        connection_id: connection.id,
        name: 'Ten credits',
        price_id: once.id,
        grants: { credits: { unit: 'job_credits', amount: 10 } },
      });
      const checkout = await made('/checkout-sessions', {
        customer: customer.id,
        plan_id: plan.id,
        success_url: 'https://example.com/ok',
        cancel_url: 'https://example.com/back',
      });
      const paymentRequest = await made('/payment-requests', {
        connection_id: connection.id,
        amount: 1000,
        currency: 'usd',
        method: 'payment_intent',
      });
      const importJob = await made(`/connections/${connection.id}/catalog/import`);
      // A subscription and a dispute exist only once Stripe's events made them: written straight to the store.
      const db = h().ctx.store.db;
      await sql`insert into subscriptions (id, tenant_id, connection_id, customer_id, plan_id, status, created_at, updated_at)
                values ('psub_AlphaRealId', ${alpha.id}, ${connection.id}, ${customer.id}, ${plan.id}, 'active', now(), now())`.execute(db);
      await sql`insert into disputes (id, tenant_id, connection_id, stripe_dispute_id, amount, currency, status, is_open, opened_at, updated_at)
                values ('dp_AlphaRealId', ${alpha.id}, ${connection.id}, 'du_AlphaRealId', 1000, 'usd', 'needs_response', true, now(), now())`.execute(
        db,
      );
      const realIds: Record<string, string> = {
        plan_id: plan.id,
        package_id: pkg.id,
        checkout_id: checkout.id,
        payment_request_id: paymentRequest.id,
        job_id: importJob.job_id,
        subscription_id: 'psub_AlphaRealId',
        dispute_id: 'dp_AlphaRealId',
        key: 'pro',
        stripe_id: 'cus_AlphaRealId',
        connection_id: connection.id,
        event_id: event.id,
        invoice_id: invoice.id,
        key_id: alphaKey.id,
        customer: customer.id,
        hold_id: hold.id,
        endpoint_id: endpoint.id,
        delivery_id: ping.id,
      };

      const doc = (await h().api('GET', '/api/openapi.json', undefined, null)).body;
      let checked = 0;
      for (const [template, operations] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
        const params = [...template.matchAll(/\{([a-z_]+)\}/g)].map((match) => match[1]!).filter((name) => name !== 'tenant_id');
        if (!template.includes('{tenant_id}') || params.length === 0) continue;
        for (const method of Object.keys(operations)) {
          const path = params.reduce(
            (result, name) => result.replace(`{${name}}`, realIds[name] ?? 'x_missing'),
            template.replace('{tenant_id}', beta.id),
          );
          expect(
            params.every((name) => name in realIds),
            `${template}: give this test a real id for it`,
          ).toBe(true);
          // A PATCH (and a credit movement) needs a valid body to get past validation to the lookup.
          const creditMovement = /\/credits\/(debits|holds|grants)$/.test(template);
          // An outbound webhook endpoint's PATCH takes no name.
          const patch = template.includes('/webhook-endpoints/') ? { description: 'Hijacked' } : { name: 'Hijacked' };
          const needs: Record<string, unknown> = {
            '/change-plan': { plan_id: plan.id },
            '/portal-sessions': { return_url: 'https://example.com/account' },
            '/cancel': { at_period_end: true },
          };
          const specific = Object.entries(needs).find(([suffix]) => template.endsWith(suffix))?.[1];
          const body = specific
            ? specific
            : method === 'patch'
              ? patch
              : creditMovement
                ? { unit: 'job_credits', amount: 1, idempotency_key: 'hijack' }
                : ['post', 'put'].includes(method)
                  ? {}
                  : undefined;
          for (const token of [betaKey, undefined]) {
            const answer = await h().api(method.toUpperCase(), path, body, token);
            expect(answer.status, `${method.toUpperCase()} ${path} with ${token ? "beta's key" : 'the admin token'}`).toBe(404);
          }
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(8);

      // Nothing of Alpha's changed: the key still works, the event was not replayed, the invoice is a draft.
      expect((await h().api('GET', `/api/v1/tenants/${alpha.id}`, undefined, alphaKey.key)).status).toBe(200);
      expect((await h().api('GET', `/api/v1/tenants/${alpha.id}/events/${event.id}`)).body.status).toBe('paused');
      expect((await h().api('GET', `/api/v1/tenants/${alpha.id}/invoices/${invoice.id}`)).body.status).toBe('draft');
      expect((await h().api('GET', `/api/v1/tenants/${alpha.id}/connections/${connection.id}`)).body.disconnected_at ?? null).toBeNull();
      expect((await h().api('GET', `${credits}/holds/${hold.id}`)).body.status).toBe('held');
    });
  },
  env,
);
