import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isForbiddenAddress } from '../../../src/modules/outbound-webhooks/address-guard';
import { safePost } from '../../../src/modules/outbound-webhooks/safe-post';
import { createHarness, type TestHarness } from '../../support/test-context';
import { createTenant, startReceiver, type Receiver } from './support';

const REFUSED_URLS = [
  'http://127.0.0.1/hooks',
  'http://169.254.169.254/latest/meta-data/',
  'http://10.0.0.1/hooks',
  'https://127.0.0.1/hooks',
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/hooks',
  'https://[::1]/hooks',
  'https://[::ffff:127.0.0.1]/hooks',
  'https://localhost/hooks',
];

describe('outbound webhook URLs cannot reach private addresses (PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE unset)', () => {
  let h: TestHarness;
  let receiver: Receiver;
  let tenantId: string;

  beforeAll(async () => {
    h = await createHarness('postgres');
    receiver = await startReceiver();
    tenantId = await createTenant(h);
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  it('refuses loopback, metadata, private and loopback-resolving URLs when the endpoint is created', async () => {
    expect(h.ctx.config.outboundAllowPrivate).toBe(false);
    for (const url of [...REFUSED_URLS, receiver.url]) {
      const response = await h.api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints`, { url });
      expect(response.status, url).toBe(422);
      expect(response.body.error).toMatchObject({ code: 'url_not_allowed', field: 'url' });
    }
  });

  it('refuses them again at send time, on the address actually connected to', async () => {
    for (const url of [...REFUSED_URLS, receiver.url, receiver.url.replace('127.0.0.1', 'localhost').replace('http:', 'https:')]) {
      const result = await safePost(url, { headers: {}, body: '{}', allowPrivate: false });
      expect(result.statusCode, url).toBeNull();
      expect(result.error, url).toMatch(/^forbidden_address/);
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('checks the address the socket connects to, so a DNS answer that changes (rebinding) cannot pass', async () => {
    const port = new URL(receiver.url).port;
    let lookups = 0;
    // First answer public (what a check at creation would see), then loopback at connection time.
    const rebinding = async () => [{ address: lookups++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 }];
    const { checkEndpointUrl } = await import('../../../src/modules/outbound-webhooks/endpoints-service');
    await expect(checkEndpointUrl(h.ctx, `https://rebind.example:${port}/hooks`, rebinding)).resolves.toContain('rebind.example');
    const result = await safePost(`https://rebind.example:${port}/hooks`, {
      headers: {},
      body: '{}',
      allowPrivate: false,
      resolve: rebinding,
    });
    expect(result.error).toMatch(/^forbidden_address: rebind\.example resolves to 127\.0\.0\.1/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('does not follow a redirect to loopback', async () => {
    // With the allow setting (the only way to reach a local server in a test) the redirect is still not followed.
    const redirecting = await startReceiver(() => ({ status: 302, headers: { location: receiver.url } }));
    try {
      const result = await safePost(redirecting.url, { headers: {}, body: '{}', allowPrivate: true });
      expect(result.statusCode).toBe(302);
      expect(redirecting.requests).toHaveLength(1);
      expect(receiver.requests).toHaveLength(0);
    } finally {
      await redirecting.close();
    }
  });

  it('classifies addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
      'not-an-ip',
    ])
      expect(isForbiddenAddress(address), address).toBe(true);
    for (const address of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111']) expect(isForbiddenAddress(address), address).toBe(false);
  });

  it('keeps at most 1 KB of a response body', async () => {
    const chatty = await startReceiver(() => ({ status: 200, body: 'x'.repeat(100_000) }));
    try {
      const result = await safePost(chatty.url, { headers: {}, body: '{}', allowPrivate: true });
      expect(result.statusCode).toBe(200);
      expect(result.body).toHaveLength(1024);
    } finally {
      await chatty.close();
    }
  });
});
