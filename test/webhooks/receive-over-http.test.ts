import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server';
import { signStripePayload } from '../../src/webhooks/signature';
import { createHarness, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { stripeEvent } from '../support/webhook-delivery';

// A listening server answers deliveries from Node's request, ahead of Hono (src/http/webhook-listener.ts);
// app.request() in the other tests takes the Hono route. So this file sends real HTTP to the server
// `paybridge serve` runs: chunked bodies, the size limit without a Content-Length, the request id.
function post(
  url: string,
  options: { body: string; headers: Record<string, string>; chunked?: boolean; method?: string },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const headers = options.chunked
      ? options.headers
      : {
          ...options.headers,
          'content-length': String(Buffer.byteLength(options.body)),
        };
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method ?? 'POST',
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    if (options.chunked) {
      // Several writes without a length: the body arrives as a stream of chunks.
      const step = Math.ceil(options.body.length / 4);
      for (let i = 0; i < options.body.length; i += step) req.write(options.body.slice(i, i + step));
      req.end();
    } else {
      req.end(options.body);
    }
  });
}

describe('webhook receiver over HTTP [postgres]', () => {
  let harness: TestHarness | undefined;
  const h = () => harness!;
  let server: RunningServer | undefined;
  let base = '';
  beforeAll(async () => {
    harness = await createHarness('postgres', {
      PAYBRIDGE_WEBHOOK_BODY_LIMIT_BYTES: '4096',
    });
    server = await startServer(h().ctx, { host: '127.0.0.1', port: 0 });
    base = server.url;
  });
  afterAll(async () => {
    await server?.close(0);
    await harness?.close();
  });
  const signedHeaders = (body: string, secret: string) => ({
    'content-type': 'application/json',
    'stripe-signature': signStripePayload(body, [secret], Math.floor(Date.now() / 1000)),
  });

  it('stores the exact bytes of a chunked delivery once, answers a redelivery as duplicate, and sets X-Request-Id', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const body = JSON.stringify(
      stripeEvent('customer.created', {
        id: 'cus_http1',
        object: 'customer',
        name: 'Zoë 名前',
        metadata: {},
      }),
      null,
      1,
    );
    const url = `${base}/webhooks/stripe/${connection.id}`;
    const first = await post(url, {
      body,
      headers: {
        ...signedHeaders(body, secret),
        'x-request-id': 'req_from_stripe',
      },
      chunked: true,
    });
    expect(first).toMatchObject({
      status: 200,
      body: { received: true, duplicate: false, status: 'received' },
    });
    expect(first.headers['x-request-id']).toBe('req_from_stripe');
    const again = await post(url, {
      body,
      headers: signedHeaders(body, secret),
    });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(again.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const rows = await h().ctx.store.db.selectFrom('events').select(['payload']).where('connection_id', '=', connection.id).execute();
    expect(rows.map((row) => row.payload)).toEqual([body]);
  });

  it('refuses a bad signature with 400 and its reason', async () => {
    const { connection } = await insertTestConnection(h());
    const body = JSON.stringify(
      stripeEvent('customer.created', {
        id: 'cus_http2',
        object: 'customer',
        metadata: {},
      }),
    );
    const response = await post(`${base}/webhooks/stripe/${connection.id}`, {
      body,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': 'garbage',
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('malformed_signature_header');
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('answers 413 for a body over the limit, with or without a Content-Length, and stores nothing', async () => {
    const { connection, secret } = await insertTestConnection(h());
    const body = JSON.stringify(
      stripeEvent('customer.created', {
        id: 'cus_http3',
        object: 'customer',
        metadata: { note: 'x'.repeat(5_000) },
      }),
    );
    const url = `${base}/webhooks/stripe/${connection.id}`;
    for (const chunked of [false, true]) {
      const response = await post(url, {
        body,
        headers: signedHeaders(body, secret),
        chunked,
      });
      expect(response.status, `chunked=${chunked}`).toBe(413);
      expect(response.body.error.code).toBe('body_too_large');
    }
    const rows = await h().ctx.store.db.selectFrom('events').select(['id']).where('connection_id', '=', connection.id).execute();
    expect(rows).toHaveLength(0);
  });

  it('answers an unknown or undecodable connection id with 404, and leaves other methods on the path to the app', async () => {
    const body = JSON.stringify(stripeEvent('customer.created', { id: 'cus_http4', object: 'customer', metadata: {} }));
    for (const id of ['conn_doesnotexist', 'conn%ZZbad', 'conn%00nul']) {
      const response = await post(`${base}/webhooks/stripe/${id}`, { body, headers: { 'content-type': 'application/json' } });
      expect(response.status, id).toBe(404);
      expect(response.body.error.code, id).toBe('unknown_connection');
      expect(response.headers['content-type']).toBe('application/json');
    }
    const { connection } = await insertTestConnection(h());
    const wrongMethod = await post(`${base}/webhooks/stripe/${connection.id}`, { body: '', headers: {}, method: 'PUT' });
    expect(wrongMethod.status).not.toBe(200);
    expect(wrongMethod.body.error.code).toMatch(/^(route_not_found|method_not_allowed)$/);
    const trailingSlash = await post(`${base}/webhooks/stripe/`, { body, headers: { 'content-type': 'application/json' } });
    expect(trailingSlash.status).toBe(404);
    expect(trailingSlash.body.error.code).toBe('route_not_found');
  });
});
