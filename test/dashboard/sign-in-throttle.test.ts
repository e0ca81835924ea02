import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeEachStore, type TestHarness } from '../support/test-context';
import { ORIGIN } from './dashboard-client';

/**
 * Issue 18 item 8: failed sign-ins are slowed down per client address, the right token always
 * works, and behind a configured proxy each client is counted by its own forwarded address.
 */

/** One sign-in attempt as if it came through a socket from `peer`, with an optional X-Forwarded-For. */
async function signIn(h: TestHarness, token: string, peer: string, forwardedFor?: string): Promise<{ status: number; text: string }> {
  const incoming = { socket: { remoteAddress: peer }, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} };
  const form = await h.app.request(`${ORIGIN}/dashboard/sign-in`, {}, { incoming });
  const cookie = form.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const formToken = /name="_signin" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const body = new URLSearchParams({ _signin: formToken, next: '/dashboard', token }).toString();
  const response = await h.app.request(
    `${ORIGIN}/dashboard/sign-in`,
    { method: 'POST', headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body },
    { incoming },
  );
  return { status: response.status, text: await response.text() };
}

const SLOWED = 'failed attempts from your address';

describeEachStore(
  'dashboard sign-in behind a trusted proxy',
  (h) => {
    it('still signs in the right token after many failures from the same address (no lockout)', async () => {
      for (let i = 0; i < 12; i += 1) expect((await signIn(h(), `pb_admin_wrong_${i}_0000000000000000`, '192.0.2.1')).status).toBe(401);
      const ok = await signIn(h(), ADMIN_TOKEN, '192.0.2.1');
      expect(ok.status).toBe(303);
    }, 60_000);

    it('slows failures down past the first five, and holds the answer while doing so', async () => {
      let last = { status: 0, text: '' };
      for (let i = 0; i < 5; i += 1) {
        last = await signIn(h(), `pb_admin_wrong_${i}_0000000000000000`, '10.0.0.5', '203.0.113.9');
        expect(last.text).not.toContain(SLOWED);
      }
      const started = performance.now();
      last = await signIn(h(), 'pb_admin_wrong_again_0000000000000000', '10.0.0.5', '203.0.113.9');
      expect(last.status).toBe(401);
      expect(last.text).toContain(SLOWED);
      // A lower bound only: the answer was held for at least the first step (250 ms).
      expect(performance.now() - started).toBeGreaterThanOrEqual(240);
      // Another client behind the same proxy is counted apart, so it is not slowed.
      const other = await signIn(h(), 'pb_admin_wrong_other_0000000000000000', '10.0.0.5', '198.51.100.7');
      expect(other.text).not.toContain(SLOWED);
      // A success clears the count for that client.
      expect((await signIn(h(), ADMIN_TOKEN, '10.0.0.5', '203.0.113.9')).status).toBe(303);
      expect((await signIn(h(), 'pb_admin_wrong_later_0000000000000000', '10.0.0.5', '203.0.113.9')).text).not.toContain(SLOWED);
    }, 60_000);

    it('does not believe X-Forwarded-For from a peer that is not a trusted proxy', async () => {
      for (let i = 0; i < 6; i += 1) await signIn(h(), `pb_admin_wrong_${i}_0000000000000000`, '198.18.0.1', `203.0.113.${i}`);
      // Six failures were all counted against the untrusted peer itself, whatever it claimed.
      expect((await signIn(h(), 'pb_admin_wrong_x_0000000000000000', '198.18.0.1', '203.0.113.200')).text).toContain(SLOWED);
    }, 60_000);
  },
  { PAYBRIDGE_TRUSTED_PROXIES: '10.0.0.0/8' },
);
