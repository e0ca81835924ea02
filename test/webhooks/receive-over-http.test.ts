import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStripePayload } from '../../src/webhooks/signature';
import { createHarness, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { stripeEvent } from '../support/webhook-delivery';

// The receive route reads the body and headers straight from Node's request when served by
// @hono/node-server (app.request() in the other tests takes the WHATWG path), so this file sends
// real HTTP: chunked bodies, the size limit without a Content-Length, and the request id header.
function post(
  url: string,
  options: { body: string; headers: Record<string, string>; chunked?: boolean },
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
        method: 'POST',
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
  // The harness's own app behind a real node:http server, served the way @hono/node-server serves it.
  let server: Server | undefined;
  let base = '';
  beforeAll(async () => {
    harness = await createHarness('postgres', {
      PAYBRIDGE_WEBHOOK_BODY_LIMIT_BYTES: '4096',
    });
    server = createServer(getRequestListener(h().app.fetch));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
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
});
