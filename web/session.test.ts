import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { fromOwnOrigin, sameSecret } from './session';

// The dashboard's same-origin check for state-changing requests, on a bare Hono app (issue 18).
const publicUrl = 'https://pay.example.test/base';
const app = new Hono().post('/dashboard/x', (c) => c.text(String(fromOwnOrigin(c, publicUrl))));

async function allowed(headers: Record<string, string>): Promise<boolean> {
  const response = await app.request('http://127.0.0.1:3000/dashboard/x', { method: 'POST', headers });
  return (await response.text()) === 'true';
}

describe('fromOwnOrigin', () => {
  it('accepts an Origin that is this server or the public URL, and refuses any other', async () => {
    expect(await allowed({ origin: 'http://127.0.0.1:3000' })).toBe(true);
    expect(await allowed({ origin: 'https://pay.example.test' })).toBe(true);
    expect(await allowed({ origin: 'https://evil.example.test' })).toBe(false);
  });

  it('refuses a cross-site Sec-Fetch-Site even with an allowed Origin, and lets same-origin through', async () => {
    expect(await allowed({ origin: 'https://pay.example.test', 'sec-fetch-site': 'cross-site' })).toBe(false);
    expect(await allowed({ origin: 'https://pay.example.test', 'sec-fetch-site': 'same-origin' })).toBe(true);
  });

  it('falls back to the Referer when the browser omits Origin', async () => {
    expect(await allowed({ referer: 'https://pay.example.test/dashboard/tenants' })).toBe(true);
    expect(await allowed({ referer: 'https://evil.example.test/dashboard/tenants' })).toBe(false);
    expect(await allowed({ referer: 'not a url' })).toBe(false);
  });

  it('refuses a request with neither Origin nor Referer', async () => {
    expect(await allowed({})).toBe(false);
  });
});

describe('sameSecret', () => {
  it('is true only for identical strings, including different lengths', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('abc', 'abcd')).toBe(false);
  });
});
