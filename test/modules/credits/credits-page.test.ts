import { expect, it } from 'vitest';
import { DashboardClient } from '../../dashboard/dashboard-client';
import { ADMIN_TOKEN, describeEachStore } from '../../support/test-context';
import { balanceOf, creditsFixture, grant } from './support';

describeEachStore('credits dashboard page', (h) => {
  it("shows a customer's balances and ledger, and grants goodwill credits once however often the form is sent", async () => {
    const f = await creditsFixture(h());
    await grant(f, { unit: 'job_credits', amount: 10, kind: 'paid' });
    await f.api('POST', '/debits', { unit: 'job_credits', amount: 4, idempotency_key: 'd1', reason: 'posted <b>job</b>' });
    const browser = new DashboardClient(h());
    expect((await browser.signIn(ADMIN_TOKEN)).status).toBe(303);
    const path = `/dashboard/tenants/${f.tenantId}/customers/ext:${f.externalId}/credits`;
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h2 id="credits-heading">Credits</h2>');
    expect(page.text).toMatch(/<td data-label="Available">6<\/td>\s*<td data-label="Paid">6<\/td>/);
    expect(page.text).toContain('Debited');
    // Reasons are the platform's text: escaped, never markup.
    expect(page.text).toContain('posted &lt;b&gt;job&lt;/b&gt;');

    const key = /name="idempotency_key" value="([^"]+)"/.exec(page.text)?.[1];
    expect(key).toMatch(/^dash_/);
    const form = { unit: 'job_credits', amount: '3', reason: 'sorry', idempotency_key: key! };
    const sent = await browser.post(`${path}/grants`, form);
    expect(sent.status).toBe(303);
    expect(sent.location).toContain('done=granted');
    expect((await browser.post(`${path}/grants`, form)).status).toBe(303);
    expect(await balanceOf(f, 'job_credits')).toMatchObject({ available: 9, paid: 6, granted: 3 });

    const bad = await browser.post(`${path}/grants`, { ...form, amount: '-2', idempotency_key: 'dash_other' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('must be at least 1');
  });

  it("answers 404 for another tenant's customer and 400 for a forged ledger cursor", async () => {
    const mine = await creditsFixture(h(), 'Mine');
    const theirs = await creditsFixture(h(), 'Theirs');
    const browser = new DashboardClient(h());
    await browser.signIn(ADMIN_TOKEN);
    expect((await browser.get(`/dashboard/tenants/${mine.tenantId}/customers/${theirs.customerId}/credits`)).status).toBe(404);
    const forged = await browser.get(`/dashboard/tenants/${mine.tenantId}/customers/${mine.customerId}/credits?cursor=abc`);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('The cursor is not one this API returned');
  });
});
