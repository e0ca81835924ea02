import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';
import { DashboardClient, ORIGIN } from './dashboard-client';

/**
 * Issue 18, "tests that would catch the next bug": a POST with a valid session and CSRF token is
 * still refused (403, nothing changed) when the browser says it came from another site.
 */
describeEachStore('dashboard POST from another origin', (h) => {
  const cases: { name: string; headers: Record<string, string> }[] = [
    { name: 'Origin that only starts with our origin', headers: { origin: `${ORIGIN}.evil.example` } },
    { name: 'foreign Referer and no Origin', headers: { referer: 'https://evil.example/dashboard/tenants' } },
    { name: 'Referer on a look-alike host and no Origin', headers: { referer: `${ORIGIN}.evil.example/dashboard` } },
    { name: 'Sec-Fetch-Site: cross-site, even with our Origin', headers: { origin: ORIGIN, 'sec-fetch-site': 'cross-site' } },
  ];

  for (const { name, headers } of cases) {
    it(`refuses a form with a valid CSRF token but a ${name} (403, nothing created)`, async () => {
      const admin = new DashboardClient(h());
      expect((await admin.signIn(ADMIN_TOKEN)).status).toBe(303);
      await admin.get('/dashboard/tenants');
      const csrf = admin.csrf();
      expect(csrf).not.toBe('');
      const before = (await h().api('GET', '/api/v1/tenants?limit=100')).body.data.length;
      const cookie = [...admin.cookies].map(([key, value]) => `${key}=${value}`).join('; ');
      const response = await h().app.request(`${ORIGIN}/dashboard/tenants`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams({ _csrf: csrf, name: 'Planted by another site' }).toString(),
        redirect: 'manual',
      });
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('sent from another site');
      expect((await h().api('GET', '/api/v1/tenants?limit=100')).body.data.length).toBe(before);
      // The same form from our own origin goes through, so the refusal was the origin's doing.
      const own = await admin.post('/dashboard/tenants', { name: 'Made here' }, { csrf });
      expect(own.status).toBe(303);
    });
  }
});
