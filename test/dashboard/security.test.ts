import { expect, it } from 'vitest';
import { hashToken } from '../../src/auth/token-hashing';
import { newId } from '../../src/ids';
import { findConnection } from '../../src/store/connections';
import { insertEvents } from '../../src/store/events';
import { insertInvoice, upsertCustomer } from '../../src/store/invoices';
import { insertMail } from '../../src/store/mail-messages';
import { keys } from '../api/fixtures';
import { ADMIN_TOKEN, createHarness, describeEachStore } from '../support/test-context';
import { DashboardClient, insertTestConnection } from './dashboard-client';

describeEachStore('dashboard security', (h) => {
  let admin: DashboardClient;
  let tenantA = '';
  let tenantB = '';
  let keyA = '';
  let connectionB = '';

  it('sends a request without a session to sign-in (GET) or refuses it (POST)', async () => {
    const anonymous = new DashboardClient(h());
    const page = await anonymous.get('/dashboard/tenants');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/dashboard/sign-in?next=%2Fdashboard%2Ftenants');
    const post = await anonymous.post('/dashboard/tenants', { name: 'Sneaky' }, { csrf: 'anything' });
    expect(post.status).toBe(401);
    expect((await h().api('GET', '/api/v1/tenants')).body.data).toHaveLength(0);
    expect((await anonymous.get('/')).location).toBe('/dashboard');
  });

  it('signs in with the admin token into an HttpOnly, SameSite session whose id is stored only as a hash', async () => {
    admin = new DashboardClient(h());
    const wrong = await admin.signIn('pb_admin_not_the_token_at_all_000000');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('not a valid admin token');
    const ok = await admin.signIn(ADMIN_TOKEN);
    expect(ok.status).toBe(303);
    const cookie = ok.headers.getSetCookie().find((line) => line.startsWith('pb_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i); // the public URL is http in this harness
    const sessionId = admin.cookies.get('pb_session')!;
    const rows = await h()
      .ctx.store.db.withTables<{ dashboard_sessions: { id_hash: string } }>()
      .selectFrom('dashboard_sessions')
      .select('id_hash')
      .execute();
    expect(rows.map((row) => row.id_hash)).toContain((await hashToken(h().ctx, sessionId)).keyed);
    expect(JSON.stringify(rows)).not.toContain(sessionId);

    const page = await admin.get('/dashboard/tenants');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).toMatch(/<title>Tenants · Paybridge<\/title>/);
  });

  it('refuses a sign-in form posted from another site or without its form token', async () => {
    const client = new DashboardClient(h());
    const page = await client.get('/dashboard/sign-in');
    const formToken = /name="_signin" value="([^"]+)"/.exec(page.text)![1]!;
    const crossSite = await client.request('POST', '/dashboard/sign-in', {
      form: { _signin: formToken, token: ADMIN_TOKEN },
      origin: 'https://evil.example',
    });
    expect(crossSite.status).toBe(403);
    const noToken = await client.request('POST', '/dashboard/sign-in', { form: { _signin: 'forged', token: ADMIN_TOKEN } });
    expect(noToken.status).toBe(403);
    expect(client.cookies.has('pb_session')).toBe(false);
  });

  it('refuses a POST with a bad or missing CSRF token, or from another origin, and changes nothing', async () => {
    await admin.get('/dashboard/tenants');
    expect((await admin.post('/dashboard/tenants', { name: 'Forged' }, { csrf: 'not-the-token' })).status).toBe(403);
    expect((await admin.post('/dashboard/tenants', { name: 'Forged' }, { csrf: '' })).status).toBe(403);
    expect((await admin.post('/dashboard/tenants', { name: 'Forged' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await admin.post('/dashboard/tenants', { name: 'Forged' }, { origin: null })).status).toBe(403);
    expect((await h().api('GET', '/api/v1/tenants')).body.data).toHaveLength(0);

    const created = await admin.post('/dashboard/tenants', { name: 'Acme' });
    expect(created.status).toBe(303);
    tenantA = /\/dashboard\/tenants\/(ten_\w+)/.exec(created.location ?? '')![1]!;
    await admin.get('/dashboard/tenants');
    tenantB = /\/dashboard\/tenants\/(ten_\w+)/.exec((await admin.post('/dashboard/tenants', { name: 'Globex' })).location ?? '')![1]!;
    expect((await h().api('GET', '/api/v1/tenants')).body.data.map((t: { name: string }) => t.name).sort()).toEqual(['Acme', 'Globex']);
  });

  it('lets a tenant session see only its own tenant: every other tenant page is 404', async () => {
    keyA = (await h().api('POST', `/api/v1/tenants/${tenantA}/api-keys`)).body.key;
    connectionB = (await insertTestConnection(h().ctx, tenantB, 'B main')).id;
    expect(connectionB).toMatch(/^conn_/);
    const db = h().ctx.store.db;
    await insertEvents(db, [
      {
        connection_id: connectionB,
        tenant_id: tenantB,
        stripe_event_id: 'evt_GlobexSecret1',
        type: 'customer.created',
        livemode: false,
        api_version: null,
        stripe_created: 1,
        object_id: 'cus_Globex',
        object_type: 'customer',
        payload: '{"globex":true}',
        source: 'webhook',
        status: 'received',
        received_at: new Date(),
        next_attempt_at: new Date(),
      },
    ]);
    const eventB = (await db.selectFrom('events').select('id').where('tenant_id', '=', tenantB).executeTakeFirstOrThrow()).id;
    const customerB = await upsertCustomer(db, {
      tenantId: tenantB,
      email: 'ceo@globex.example',
      name: 'Globex CEO',
      externalId: null,
      now: new Date(),
    });
    const invoiceB = newId('invoice');
    await insertInvoice(
      db,
      {
        id: invoiceB,
        tenant_id: tenantB,
        connection_id: connectionB,
        customer_id: customerB.id,
        external_id: null,
        currency: 'USD',
        amount_due: 500,
        status: 'draft',
        payment_link_id: null,
        payment_link_url: null,
        review_reason: null,
        finalized_at: null,
        paid_at: null,
        voided_at: null,
        updated_at: new Date(),
      },
      [{ description: 'Globex widget', quantity: 1, unit_amount: 500, amount: 500 }],
    );
    const mailB = newId('mail');
    await insertMail(db, {
      id: mailB,
      tenant_id: tenantB,
      invoice_id: invoiceB,
      to_address: 'ceo@globex.example',
      subject: 'Globex invoice',
      text_body: 'Globex',
      html_body: '<p>Globex</p>',
    });

    const tenant = new DashboardClient(h());
    const signedIn = await tenant.signIn(keyA);
    expect(signedIn.location).toBe(`/dashboard/tenants/${tenantA}`);
    const own = await tenant.get(`/dashboard/tenants/${tenantA}`);
    expect(own.status).toBe(200);
    expect(own.text).toContain('Acme');
    expect(own.text).not.toContain('Globex');

    for (const path of [
      `/dashboard/tenants/${tenantB}`,
      `/dashboard/tenants/${tenantB}/connections/new`,
      `/dashboard/tenants/${tenantB}/connections/${connectionB}`,
      `/dashboard/tenants/${tenantA}/connections/${connectionB}`,
      `/dashboard/tenants/${tenantB}/events`,
      `/dashboard/tenants/${tenantB}/events/rejected`,
      `/dashboard/tenants/${tenantA}/events/${eventB}`,
      `/dashboard/tenants/${tenantB}/events/${eventB}`,
      `/dashboard/tenants/${tenantA}/invoices/${invoiceB}`,
      `/dashboard/tenants/${tenantB}/invoices`,
      `/dashboard/tenants/${tenantA}/mail/${mailB}`,
      `/dashboard/tenants/${tenantA}/mail/${mailB}/html`,
      `/dashboard/tenants/${tenantB}/mail/${mailB}/html`,
      `/dashboard/tenants/${tenantB}/mail`,
      '/dashboard/tenants',
    ]) {
      const page = await tenant.get(path);
      expect(page.status, path).toBe(404);
      expect(page.text, path).not.toContain('Globex');
      expect(page.text, path).not.toContain('B main');
    }
    await tenant.get(`/dashboard/tenants/${tenantA}`);
    const csrf = tenant.csrf();
    expect((await tenant.post(`/dashboard/tenants/${tenantB}/connections/${connectionB}/disable`, {}, { csrf })).status).toBe(404);
    expect((await tenant.post(`/dashboard/tenants/${tenantA}/connections/${connectionB}/disconnect`, {}, { csrf })).status).toBe(404);
    expect((await tenant.post('/dashboard/tenants', { name: 'Mine now' }, { csrf })).status).toBe(404);
    expect((await tenant.post(`/dashboard/tenants/${tenantA}/events/${eventB}/replay`, {}, { csrf })).status).toBe(404);
    expect((await tenant.post(`/dashboard/tenants/${tenantA}/invoices/${invoiceB}/void`, {}, { csrf })).status).toBe(404);
    // A bulk replay names this tenant in the path; another tenant's events are never in its filter.
    const bulk = await tenant.post(`/dashboard/tenants/${tenantA}/events/replay`, { connection_id: connectionB, confirm: 'yes' }, { csrf });
    expect(bulk.location).toContain('replayed=0');
    expect((await ownPagesText(tenant)).includes('Globex')).toBe(false);
    const b = await findConnection(h().ctx.store.db, connectionB);
    expect(b).toMatchObject({ is_active: true, status: 'active', disconnected_at: null });
  });

  async function ownPagesText(client: DashboardClient): Promise<string> {
    const pages = await Promise.all(
      [`/dashboard/tenants/${tenantA}/events`, `/dashboard/tenants/${tenantA}/invoices`, `/dashboard/tenants/${tenantA}/mail`].map((path) =>
        client.get(path),
      ),
    );
    for (const page of pages) expect(page.status).toBe(200);
    return pages.map((page) => page.text).join('\n');
  }

  it('shows a pasted pk_ or we_ next to its field and never echoes a secret back', async () => {
    await admin.get(`/dashboard/tenants/${tenantA}/connections/new`);
    const response = await admin.post(`/dashboard/tenants/${tenantA}/connections`, {
      name: 'Main',
      secret_key: keys.testPublishable,
      publishable_key: keys.testSecret2,
      webhook_secret: keys.endpointId,
      webhook_setup: 'manual',
      features: ['invoicing', 'payments'],
    });
    expect(response.status).toBe(422);
    expect(response.text).toMatch(/id="secret_key-error"[^>]*>This is a publishable key \(pk_…\)/);
    expect(response.text).toMatch(/id="publishable_key-error"[^>]*>This is a secret key/);
    expect(response.text).toMatch(/id="webhook_secret-error"[^>]*>This is the webhook endpoint id \(we_…\)/);
    for (const pasted of [keys.testPublishable, keys.testSecret2, keys.endpointId]) expect(response.text).not.toContain(pasted);
    expect(response.text).toContain('value="Main"');
    expect((await h().api('GET', `/api/v1/tenants/${tenantA}/connections`)).body.data).toHaveLength(0);
  });

  it('signs out: the session row is gone and the old cookie opens nothing', async () => {
    const client = new DashboardClient(h());
    await client.signIn(ADMIN_TOKEN);
    const stolen = client.cookies.get('pb_session')!;
    await client.get('/dashboard/tenants');
    const out = await client.post('/dashboard/sign-out');
    expect(out.status).toBe(303);
    expect(out.location).toBe('/dashboard/sign-in');
    const replay = new DashboardClient(h());
    replay.cookies.set('pb_session', stolen);
    expect((await replay.get('/dashboard/tenants')).status).toBe(303);
    const rows = await h()
      .ctx.store.db.withTables<{ dashboard_sessions: { id_hash: string } }>()
      .selectFrom('dashboard_sessions')
      .select('id_hash')
      .execute();
    expect(rows.map((row) => row.id_hash)).not.toContain((await hashToken(h().ctx, stolen)).keyed);
  });

  it('ends a tenant session when its API key is revoked', async () => {
    const tenant = new DashboardClient(h());
    await tenant.signIn(keyA);
    expect((await tenant.get(`/dashboard/tenants/${tenantA}`)).status).toBe(200);
    await h()
      .ctx.store.db.updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('token_hash', '=', (await hashToken(h().ctx, keyA)).keyed)
      .execute();
    expect((await tenant.get(`/dashboard/tenants/${tenantA}`)).status).toBe(303);
  });
});

it('marks the session cookie Secure with the __Host- prefix when the public URL is https', async () => {
  const h = await createHarness('postgres', { PAYBRIDGE_PUBLIC_URL: 'https://pay.example.com' });
  try {
    const client = new DashboardClient(h);
    const signedIn = await client.signIn(ADMIN_TOKEN);
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('__Host-pb_session='))!;
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    const page = await client.get('/dashboard/tenants');
    expect(page.status).toBe(200);
    expect(page.headers.get('strict-transport-security')).toContain('max-age=');
  } finally {
    await h.close();
  }
});

describeEachStore('dashboard connection actions', (h) => {
  it('rotates the signing secret with field-level messages, disables and enables, and creates an API key shown once', async () => {
    const admin = new DashboardClient(h());
    await admin.signIn(ADMIN_TOKEN);
    await admin.get('/dashboard/tenants');
    const tenantId = /\/dashboard\/tenants\/(ten_\w+)/.exec(
      (await admin.post('/dashboard/tenants', { name: 'Initech' })).location ?? '',
    )![1]!;
    const connection = await insertTestConnection(h().ctx, tenantId, 'Initech main');
    const page = `/dashboard/tenants/${tenantId}/connections/${connection.id}`;

    await admin.get(page);
    const wrong = await admin.post(`${page}/rotate-signing-secret`, { webhook_secret: keys.endpointId });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toMatch(/id="rotate-webhook_secret-error"[^>]*>This is the webhook endpoint id \(we_…\)/);
    expect(wrong.text).not.toContain(keys.endpointId);

    const rotated = await admin.post(`${page}/rotate-signing-secret`, { webhook_secret: keys.signingSecret });
    expect(rotated.status).toBe(303);
    const after = await admin.get(rotated.location!);
    expect(after.text).toContain('The new signing secret is saved');
    expect(after.text).toContain('whsec_…2345');
    expect(after.text).not.toContain(keys.signingSecret);

    expect((await admin.post(`${page}/disable`)).status).toBe(303);
    expect((await findConnection(h().ctx.store.db, connection.id))?.status).toBe('disabled');
    const disabledPage = await admin.get(page);
    expect(disabledPage.text).toContain('>Enable<');
    expect((await admin.post(`${page}/enable`)).status).toBe(303);
    expect((await findConnection(h().ctx.store.db, connection.id))?.is_active).toBe(true);

    await admin.get(`/dashboard/tenants/${tenantId}`);
    const keyPage = await admin.post(`/dashboard/tenants/${tenantId}/api-keys`);
    expect(keyPage.status).toBe(200);
    expect(keyPage.headers.get('cache-control')).toBe('no-store');
    const key = /value="(pb_key_[^"]+)"/.exec(keyPage.text)![1]!;
    const tenant = new DashboardClient(h());
    expect((await tenant.signIn(key)).location).toBe(`/dashboard/tenants/${tenantId}`);

    expect((await admin.get('/dashboard/no-such-page')).status).toBe(404);
  });
});
