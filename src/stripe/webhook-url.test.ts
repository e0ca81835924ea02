import { describe, expect, it } from 'vitest';
import { requirePublicWebhookUrl, unreachableReason } from './webhook-url';

describe('webhook URL reachability', () => {
  it.each([
    ['http://localhost:8080', 'test'],
    ['http://127.0.0.1:8080', 'test'],
    ['http://10.1.2.3', 'test'],
    ['http://172.20.0.5', 'test'],
    ['http://192.168.1.10', 'test'],
    ['http://169.254.1.1', 'test'],
    ['http://[::1]:8080', 'test'],
    ['http://[fd00::1]', 'test'],
    ['https://shop.local', 'test'],
    ['https://paybridge', 'test'],
    ['http://pay.example.org', 'live'],
  ] as const)('%s is not reachable by Stripe in %s mode', (url, mode) => {
    expect(unreachableReason(url, mode)).toEqual(expect.any(String));
  });

  it.each([
    ['https://pay.acme.com', 'live'],
    ['http://pay.acme.com', 'test'],
    ['https://8.8.8.8', 'live'],
  ] as const)('%s is reachable in %s mode', (url, mode) => {
    expect(unreachableReason(url, mode)).toBeNull();
  });

  it('allows loopback with the sandbox but never http:// in live mode', () => {
    expect(() =>
      requirePublicWebhookUrl({ url: 'http://127.0.0.1:8080', publicUrl: 'http://127.0.0.1:8080', mode: 'test', sandbox: true }),
    ).not.toThrow();
    expect(() =>
      requirePublicWebhookUrl({ url: 'http://127.0.0.1:8080', publicUrl: 'http://127.0.0.1:8080', mode: 'test', sandbox: false }),
    ).toThrow(/manual/);
    expect(() =>
      requirePublicWebhookUrl({ url: 'http://127.0.0.1:8080', publicUrl: 'http://127.0.0.1:8080', mode: 'live', sandbox: true }),
    ).toThrow(/https/);
  });
});
