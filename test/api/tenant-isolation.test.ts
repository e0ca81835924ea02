import { expect, it } from 'vitest';
import { createAccount, useSandbox } from '../connect/sandbox-support';
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
  },
  env,
);
