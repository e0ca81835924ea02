import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundDispatcher } from '../../../src/modules/outbound-webhooks/dispatcher';
import { DashboardClient } from '../../dashboard/dashboard-client';
import { ADMIN_TOKEN, createHarness, type TestHarness } from '../../support/test-context';
import { createTenant, recordEvents, startReceiver, type Receiver } from './support';

describe('outbound webhooks in the dashboard', () => {
  let h: TestHarness;
  let receiver: Receiver;

  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true' });
    receiver = await startReceiver((_request, index) => ({ status: index === 0 ? 410 : 200 }));
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  it('adds an endpoint (secret shown once), lists deliveries, shows the disabled notice, enables and redelivers', async () => {
    const tenantId = await createTenant(h);
    const browser = new DashboardClient(h);
    expect((await browser.signIn(ADMIN_TOKEN)).status).toBe(303);
    const base = `/dashboard/tenants/${tenantId}/webhook-endpoints`;
    const list = await browser.get(base);
    expect(list.status).toBe(200);
    expect(list.text).toContain('No endpoints yet');

    const refused = await browser.post(base, { url: 'ftp://example.com/x' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('must use https');

    await browser.get(base);
    const created = await browser.post(base, { url: receiver.url, event_types: 'invoice.paid' });
    expect(created.status).toBe(200);
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(created.text)?.[0];
    expect(secret).toBeDefined();
    const endpointId = /webhook-endpoints\/(wep_[A-Za-z0-9]+)/.exec(created.text)![1]!;
    expect((await browser.get(base)).text).not.toContain(secret!);

    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_dash' } }]);
    await new OutboundDispatcher(h.ctx).drain();
    const listed = await browser.get(base);
    expect(listed.text).toContain('webhook_endpoint.disabled');
    expect(listed.text).toContain('The receiver answered 410 Gone.');

    const detail = await browser.get(`${base}/${endpointId}`);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain('inv_dash');
    expect(detail.text).toContain('410');
    expect(detail.text).not.toContain(secret!);

    expect((await browser.post(`${base}/${endpointId}/enable`)).status).toBe(303);
    const enabled = await browser.get(`${base}/${endpointId}`);
    const deliveryId = /webhook-deliveries\/(wdl_[A-Za-z0-9]+)\/redeliver/.exec(enabled.text)![1]!;
    const redone = await browser.post(`/dashboard/tenants/${tenantId}/webhook-deliveries/${deliveryId}/redeliver`);
    expect(redone.status).toBe(303);
    await new OutboundDispatcher(h.ctx).drain();
    expect(receiver.requests).toHaveLength(2);
    expect((await browser.get(`${base}/${endpointId}?status=succeeded`)).text).toContain('inv_dash');

    const rotated = await browser.post(`${base}/${endpointId}/rotate-secret`);
    expect(rotated.text).toMatch(/whsec_[A-Za-z0-9+/=]+/);
    expect(rotated.text).not.toContain(secret!);

    // Another tenant's session sees a missing page.
    const other = await createTenant(h, 'Other');
    expect((await browser.get(`/dashboard/tenants/${other}/webhook-endpoints/${endpointId}`)).status).toBe(404);
  });
});
