import { expect, it } from 'vitest';
import { describeEachStore } from '../support/test-context';

/**
 * Entitlement checks have a limit class of their own (PAYBRIDGE_CHECK_*): a platform checks on every
 * one of its requests, far past the general per-key limit, and doing so neither is refused by nor
 * uses up the general limit, which still applies to every other route.
 */
describeEachStore(
  'entitlement checks have their own per-key limits',
  (h) => {
    it('past the general limit, checks still pass; other routes still get 429; checks get 429 past their own limit', async () => {
      const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Checking' })).body.id;
      const key = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body.key;
      const call = (path: string) => h().app.request(`/api/v1/tenants/${tenantId}${path}`, { headers: { authorization: `Bearer ${key}` } });
      // An unknown customer answers 404: what counts here is that no check is refused with 429.
      const checks = [];
      for (let i = 0; i < 12; i += 1) checks.push((await call('/customers/ext:nobody/entitlements/pro')).status);
      expect(checks).toEqual(Array(12).fill(404));
      // Twelve checks in this second, and the general budget (5/s) is untouched by them.
      expect((await call('')).status).toBe(200);
      // Sent at once, so one rate window holds them whatever the machine's load.
      const general = await Promise.all(Array.from({ length: 12 }, () => call('')));
      const limited = general.find((response) => response.status === 429);
      expect(limited).toBeDefined();
      expect(((await limited!.json()) as { error: { message: string } }).error.message).toMatch(/PAYBRIDGE_API_(RATE|CONCURRENCY)_PER_KEY/);
      // The check class has a limit too (20/s here): past it, 429 naming its own setting.
      const more = await Promise.all(Array.from({ length: 45 }, () => call('/customers/ext:nobody/entitlements/pro')));
      const refused = more.find((response) => response.status === 429);
      expect(refused).toBeDefined();
      expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await refused!.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'rate_limited',
        message: expect.stringMatching(/entitlement checks.*PAYBRIDGE_CHECK_RATE_PER_KEY/),
      });
    });

    it('the entitlement list and history are not checks: they count against the general limit', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // a fresh rate window for the admin token
      const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Listing' })).body.id;
      const key = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body.key;
      const responses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          h().app.request(`/api/v1/tenants/${tenantId}/customers/ext:nobody/${i % 2 === 0 ? 'entitlements' : 'entitlements-history'}`, {
            headers: { authorization: `Bearer ${key}` },
          }),
        ),
      );
      const refused = responses.find((response) => response.status === 429);
      expect(refused).toBeDefined();
      expect(((await refused!.json()) as { error: { message: string } }).error.message).toMatch(/PAYBRIDGE_API_(RATE|CONCURRENCY)_PER_KEY/);
    });
  },
  { PAYBRIDGE_API_RATE_PER_KEY: '5', PAYBRIDGE_API_CONCURRENCY_PER_KEY: '2', PAYBRIDGE_CHECK_RATE_PER_KEY: '20' },
);
