import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';

/** Issue 18 item 2: per-key rate and concurrency limits answer 429 with Retry-After, per key. */
describeEachStore(
  'per-key API limits',
  (h) => {
    it('answers 429 with Retry-After past the rate, for that key only, before touching the store', async () => {
      const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Limited' })).body.id;
      const keyA = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body.key;
      const keyB = (await h().api('POST', `/api/v1/tenants/${tenantId}/api-keys`)).body.key;
      const request = (key: string) => h().app.request(`/api/v1/tenants/${tenantId}`, { headers: { authorization: `Bearer ${key}` } });
      const answers = [];
      for (let i = 0; i < 8; i += 1) answers.push(await request(keyA));
      const limited = answers.filter((response) => response.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await limited[0]!.json()) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'rate_limited',
        message: expect.stringMatching(/PAYBRIDGE_API_RATE_PER_KEY/),
      });
      // Another key is not affected by keyA's burst.
      expect((await request(keyB)).status).toBe(200);
    });

    it('answers 429 past the concurrency limit while the first requests are still running', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // a fresh rate window
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          h().app.request('/api/v1/tenants?limit=100', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
        ),
      );
      const statuses = answers.map((response) => response.status);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(1);
      expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(2);
      const busy = answers.find((response) => response.status === 429)!;
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(((await busy.json()) as { error: { message: string } }).error.message).toMatch(/PAYBRIDGE_API_CONCURRENCY_PER_KEY/);
    });
  },
  { PAYBRIDGE_API_RATE_PER_KEY: '5', PAYBRIDGE_API_CONCURRENCY_PER_KEY: '2' },
);
