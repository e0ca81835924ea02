import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type AccountCredentials, type RunningSandbox } from '../../sandbox/index';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';
import { allSecrets, keys } from './fixtures';

/**
 * SPEC C1: secrets are never logged. Drives the API with secrets in bodies, in headers and in
 * requests that fail, at debug level, then scans every captured log line for each secret used.
 */
const env: Record<string, string> = {};
let sandbox: RunningSandbox | undefined;
let account: AccountCredentials;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  env.PAYBRIDGE_STRIPE_API_BASE = sandbox.url;
  account = await sandbox.createAccount({ email: 'logs@example.com' });
});
afterAll(async () => {
  await sandbox?.close();
});

describeEachStore(
  'secrets in logs',
  (h) => {
    it('writes no key, signing secret, API token or admin token to any log line', async () => {
      const used = new Set<string>([...allSecrets, ADMIN_TOKEN, account.secret_key, account.live_secret_key]);
      const tenant = (await h().api('POST', '/api/v1/tenants', { name: 'Logged' })).body;
      const apiKey = (await h().api('POST', `/api/v1/tenants/${tenant.id}/api-keys`)).body.key as string;
      expect(apiKey).toMatch(/^pb_key_/);
      used.add(apiKey);
      const base = `/api/v1/tenants/${tenant.id}/connections`;
      const signing = 'whsec_logsTest0123456789abcdefABCDEF';
      used.add(signing);

      const created = await h().api(
        'POST',
        base,
        {
          name: 'Main',
          secret_key: account.secret_key,
          publishable_key: account.publishable_key,
          webhook_secret: signing,
          webhook_setup: 'manual',
        },
        apiKey,
      );
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const url = `${base}/${created.body.id}`;

      // Refused requests that carry secrets in every field and place a careless handler might log.
      const refused: [string, string, unknown, string | null][] = [
        ['POST', base, { name: 'x', secret_key: account.publishable_key }, apiKey],
        ['POST', base, { name: 'x', secret_key: keys.signingSecret, webhook_setup: 'manual' }, null],
        ['POST', base, { name: 'x', secret_key: account.secret_key, publishable_key: keys.liveSecret }, ADMIN_TOKEN],
        ['POST', base, { name: 'x', secret_key: keys.liveSecret, webhook_secret: keys.endpointId }, ADMIN_TOKEN],
        ['POST', base, { name: 'x', secret_key: `${keys.testRestricted}\u0000` }, ADMIN_TOKEN],
        ['POST', base, `{"name":"x","secret_key":"${keys.testSecret2}"`, ADMIN_TOKEN],
        ['POST', base, { name: 'x', secret_key: keys.testSecret, unknown_field: keys.signingSecret2 }, ADMIN_TOKEN],
        ['PATCH', url, { secret_key: keys.liveSecret }, ADMIN_TOKEN],
        ['PATCH', url, { webhook_secret: keys.testSecret }, ADMIN_TOKEN],
        ['GET', '/api/v1/tenants', undefined, keys.testSecret],
        ['GET', '/api/v1/tenants', undefined, `${ADMIN_TOKEN}x`],
        ['GET', `/api/v1/tenants/${tenant.id}/connections/${keys.liveSecret}`, undefined, ADMIN_TOKEN],
      ];
      for (const [method, path, body, token] of refused) {
        const response = await h().api(method, path, body, token);
        expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
      }
      // Accepted changes that carry new secrets.
      const rotatedSigning = 'whsec_logsRotated0123456789abcdefAB';
      used.add(rotatedSigning);
      expect((await h().api('PATCH', url, { webhook_secret: rotatedSigning, secret_key: account.secret_key })).status).toBe(200);
      expect((await h().api('GET', url, undefined, apiKey)).status).toBe(200);

      const lines = h().logLines;
      expect(lines.length).toBeGreaterThan(10);
      expect(lines.join('')).toMatch(/"msg":"request"/);
      const leaks = [...used].filter((secret) => lines.some((line) => line.includes(secret)));
      expect(leaks).toEqual([]);
    });
  },
  env,
);
