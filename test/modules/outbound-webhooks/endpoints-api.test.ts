import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox, generateMasterKey } from '../../../src/crypto/secret-box';
import { rotateMasterKey } from '../../../src/crypto/rotate-master-key';
import { createHarness, type TestHarness } from '../../support/test-context';
import { createEndpoint, createTenant, startReceiver, type Receiver } from './support';

describe('webhook endpoints API', () => {
  let h: TestHarness;
  let receiver: Receiver;
  let tenantId: string;
  let otherTenant: string;
  const base = () => `/api/v1/tenants/${tenantId}/webhook-endpoints`;

  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true' });
    receiver = await startReceiver();
    tenantId = await createTenant(h);
    otherTenant = await createTenant(h, 'Someone else');
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  it('creates an endpoint, shows its secret once and stores it sealed', async () => {
    const created = await createEndpoint(h, tenantId, { url: receiver.url, event_types: ['invoice.paid'], description: 'Main app' });
    expect(created).toMatchObject({ url: receiver.url, event_types: ['invoice.paid'], description: 'Main app', status: 'enabled' });
    expect(created.secret).toMatch(/^whsec_/);
    const read = await h.api('GET', `${base()}/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body.secret).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(created.secret.slice(6));
    const stored = await h.ctx.store.db.selectFrom('webhook_endpoint_secrets').selectAll().where('endpoint_id', '=', created.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secret_sealed).not.toContain(created.secret.slice(6));
    const list = await h.api('GET', base());
    expect(list.body.data.map((e: any) => e.id)).toContain(created.id);
    expect(JSON.stringify(list.body)).not.toContain(created.secret.slice(6));
    for (const line of h.logLines) expect(line).not.toContain(created.secret.slice(6));
  });

  it('says what is wrong with bad input', async () => {
    const cases: [unknown, string][] = [
      [{}, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: receiver.url, event_types: [] }, 'event_types'],
      [{ url: receiver.url, event_types: ['Invoice Paid'] }, 'event_types'],
      [{ url: receiver.url, extra: 1 }, ''],
      [{ url: 'ftp://127.0.0.1/x' }, 'url'],
    ];
    for (const [body, field] of cases) {
      const response = await h.api('POST', base(), body);
      expect(response.status, JSON.stringify(body)).toBe(422);
      if (field) expect(response.body.error.field, JSON.stringify(body)).toContain(field);
      expect(response.body.error.message.length).toBeGreaterThan(15);
    }
  });

  it('changes, disables, enables and deletes an endpoint', async () => {
    const created = await createEndpoint(h, tenantId, { url: receiver.url });
    const changed = await h.api('PATCH', `${base()}/${created.id}`, { event_types: ['invoice.paid', 'invoice.voided'], description: null });
    expect(changed.status).toBe(200);
    expect(changed.body.event_types).toEqual(['invoice.paid', 'invoice.voided']);
    const all = await h.api('PATCH', `${base()}/${created.id}`, { event_types: ['*'] });
    expect(all.body.event_types).toEqual(['*']);
    const disabled = await h.api('PATCH', `${base()}/${created.id}`, { status: 'disabled' });
    expect(disabled.body).toMatchObject({ status: 'disabled', disabled_reason: 'Disabled by a user.' });
    const test = await h.api('POST', `${base()}/${created.id}/test`);
    expect(test.status).toBe(409);
    expect(test.body.error.code).toBe('endpoint_disabled');
    const enabled = await h.api('PATCH', `${base()}/${created.id}`, { status: 'enabled' });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabled_reason: null });
    expect((await h.api('DELETE', `${base()}/${created.id}`)).status).toBe(204);
    expect((await h.api('GET', `${base()}/${created.id}`)).status).toBe(404);
  });

  it("gives 404 for another tenant's endpoints and deliveries", async () => {
    const created = await createEndpoint(h, tenantId, { url: receiver.url });
    const ping = await h.api('POST', `${base()}/${created.id}/test`);
    const foreign = `/api/v1/tenants/${otherTenant}/webhook-endpoints/${created.id}`;
    for (const [method, path] of [
      ['GET', foreign],
      ['PATCH', foreign],
      ['DELETE', foreign],
      ['POST', `${foreign}/rotate-secret`],
      ['POST', `${foreign}/test`],
      ['POST', `${foreign}/check`],
      ['GET', `${foreign}/deliveries`],
      ['POST', `/api/v1/tenants/${otherTenant}/deliveries/${ping.body.id}/redeliver`],
    ] as const) {
      const response = await h.api(method, path, method === 'PATCH' ? { description: 'x' } : undefined);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    // A tenant key of the other tenant cannot reach the first tenant's path at all.
    const key = (await h.api('POST', `/api/v1/tenants/${otherTenant}/api-keys`)).body.key as string;
    expect((await h.api('GET', `${base()}/${created.id}`, undefined, key)).status).toBe(404);
  });

  it('refuses to redeliver a delivery still queued', async () => {
    const created = await createEndpoint(h, tenantId, { url: receiver.url });
    const ping = await h.api('POST', `${base()}/${created.id}/test`);
    const again = await h.api('POST', `/api/v1/tenants/${tenantId}/deliveries/${ping.body.id}/redeliver`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('delivery_in_progress');
  });

  it('re-encrypts endpoint secrets when the master key rotates', async () => {
    const created = await createEndpoint(h, tenantId, { url: receiver.url });
    const next = createSecretBox(generateMasterKey());
    const result = await rotateMasterKey(h.ctx.store.db, h.ctx.secrets, next);
    expect(result.reencrypted['webhook_endpoint_secrets.secret_sealed']).toBeGreaterThan(0);
    const row = await h.ctx.store.db
      .selectFrom('webhook_endpoint_secrets')
      .selectAll()
      .where('endpoint_id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(next.open(row.secret_sealed, `webhook_endpoint_secrets.secret:${row.id}`)).toBe(created.secret);
  });
});
