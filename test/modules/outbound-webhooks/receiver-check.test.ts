import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createHarness, type TestHarness } from '../../support/test-context';
import { createEndpoint, createTenant, startReceiver, type ReceivedRequest, type Receiver } from './support';

/** A receiver done right: verifies, deduplicates by webhook-id, keeps the highest sequence per object, and says what it did. */
function carefulReceiver(secret: () => string) {
  const seen = new Set<string>();
  const sequences = new Map<string, number>();
  return (request: ReceivedRequest) => {
    let body: any;
    try {
      body = new Webhook(secret()).verify(request.body, request.headers as Record<string, string>);
    } catch {
      return { status: 401 };
    }
    const id = String(request.headers['webhook-id']);
    if (seen.has(id)) return { status: 200, body: JSON.stringify({ outcome: 'duplicate' }) };
    seen.add(id);
    const key = `${body.data.object_type}:${body.data.object_id}`;
    if ((sequences.get(key) ?? -1) > body.data.sequence) return { status: 200, body: JSON.stringify({ outcome: 'stale' }) };
    sequences.set(key, body.data.sequence);
    return { status: 200, body: JSON.stringify({ outcome: 'applied' }) };
  };
}

describe('receiver check', () => {
  let h: TestHarness;
  let tenantId: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true' });
    tenantId = await createTenant(h);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h?.close();
  });

  it('passes a receiver that verifies, deduplicates and keeps the newer state', async () => {
    let secret = '';
    const receiver = await startReceiver();
    receivers.push(receiver);
    receiver.answer = carefulReceiver(() => secret);
    const endpoint = await createEndpoint(h, tenantId, { url: receiver.url });
    secret = endpoint.secret;
    const response = await h.api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/check`);
    expect(response.status).toBe(200);
    expect(response.body.verdict).toBe('passed');
    expect(response.body.checks.map((c: any) => [c.name, c.result])).toEqual([
      ['rejects_forged_signature', 'passed'],
      ['accepts_either_secret', 'passed'],
      ['deduplicates_webhook_id', 'passed'],
      ['keeps_newer_state', 'passed'],
    ]);
    // Six requests: forged, two secrets, the duplicate twice, the out-of-order pair.
    expect(receiver.requests).toHaveLength(6);
    expect(receiver.requests[2]!.headers['webhook-id']).toBe(receiver.requests[3]!.headers['webhook-id']);
  });

  it('fails a receiver that accepts anything, and says dedupe and order were not reported', async () => {
    const naive = await startReceiver(() => ({ status: 200, body: 'ok' }));
    receivers.push(naive);
    const endpoint = await createEndpoint(h, tenantId, { url: naive.url });
    const response = await h.api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/check`);
    expect(response.body.verdict).toBe('failed');
    const results = Object.fromEntries(response.body.checks.map((c: any) => [c.name, c.result]));
    expect(results).toEqual({
      rejects_forged_signature: 'failed',
      accepts_either_secret: 'passed',
      deduplicates_webhook_id: 'not_reported',
      keeps_newer_state: 'not_reported',
    });
  });

  it('fails a receiver that applies a duplicate and an older update', async () => {
    const careless = await startReceiver(() => ({ status: 200, body: JSON.stringify({ outcome: 'applied' }) }));
    receivers.push(careless);
    const endpoint = await createEndpoint(h, tenantId, { url: careless.url });
    const response = await h.api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/check`);
    const results = Object.fromEntries(response.body.checks.map((c: any) => [c.name, c.result]));
    expect(results.deduplicates_webhook_id).toBe('failed');
    expect(results.keeps_newer_state).toBe('failed');
  });

  it('reports an unreachable receiver', async () => {
    const gone = await startReceiver();
    const endpoint = await createEndpoint(h, tenantId, { url: gone.url });
    await gone.close();
    const response = await h.api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/check`);
    expect(response.body.verdict).toBe('incomplete');
    expect(response.body.checks.every((c: any) => c.result === 'unreachable')).toBe(true);
  });
});
