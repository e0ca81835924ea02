import { expect, it } from 'vitest';
import { ADMIN_TOKEN, describeEachStore } from '../support/test-context';

/** Issue 18 items 7 and 9: size, length and depth limits on `/api/v1` bodies, in the error envelope. */
describeEachStore('API body limits', (h) => {
  const tenantCount = async () => (await h().api('GET', '/api/v1/tenants?limit=100')).body.data.length as number;

  it('refuses a body over 1 MB with 413 body_too_large and stores nothing', async () => {
    const before = await tenantCount();
    const response = await h().api('POST', '/api/v1/tenants', JSON.stringify({ name: 'Big', padding: 'x'.repeat(2 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('body_too_large');
    expect(response.body.error.message).toMatch(/1 MB/);
    expect(await tenantCount()).toBe(before);
  });

  it('refuses an oversized body sent without Content-Length (streamed) with 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 40) return controller.close();
        sent += 1;
        controller.enqueue(chunk);
      },
    });
    const response = await h().app.request('/api/v1/tenants', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: stream,
      // Node's fetch Request needs this for a stream body.
      ...({ duplex: 'half' } as object),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('body_too_large');
  });

  it('answers JSON nested 10,000 deep with 400 body_too_deep, not 500', async () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const response = await h().api('POST', '/api/v1/tenants', deep);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('body_too_deep');
    const deepArray = '['.repeat(10_000) + ']'.repeat(10_000);
    expect((await h().api('POST', '/api/v1/tenants', deepArray)).status).toBe(400);
  });

  it('bounds every string: an overlong value anywhere in the body is 422 naming the field', async () => {
    const before = await tenantCount();
    const response = await h().api('POST', '/api/v1/tenants', { name: 'Ok', notes: { text: 'y'.repeat(20_000) } });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('value_too_long');
    expect(response.body.error.field).toBe('notes.text');
    expect(await tenantCount()).toBe(before);
    const tenantId = (await h().api('POST', '/api/v1/tenants', { name: 'Keys' })).body.id;
    const key = await h().api('POST', `/api/v1/tenants/${tenantId}/connections`, {
      name: 'Main',
      secret_key: `sk_test_${'a'.repeat(5_000)}`,
    });
    expect(key.status).toBe(422);
    expect(key.body.error.field).toBe('secret_key');
    expect(JSON.stringify(key.body)).not.toContain('a'.repeat(100));
  });
});
