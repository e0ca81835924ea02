import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { TestHarness } from '../../support/test-context';
import { inUnitOfWork } from '../../../src/domain/unit-of-work';

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Hold the answer this long (a slow receiver). */
  delayMs?: number;
}

/** A real HTTP receiver on loopback that records every request and answers as the test says. */
export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  answer: (request: ReceivedRequest, index: number) => Answer;
  close(): Promise<void>;
}

export async function startReceiver(answer: Receiver['answer'] = () => ({ status: 200 })): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const receiver: { answer: Receiver['answer'] } = { answer };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      const reply = receiver.answer(request, requests.length - 1);
      const send = () => {
        res.writeHead(reply.status, reply.headers ?? {});
        res.end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as Receiver;
}

/** Verifies a received request with the `standardwebhooks` package (throws when it does not verify). */
export function verifyWith(secret: string, request: ReceivedRequest): any {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': String(request.headers['webhook-id']),
    'webhook-timestamp': String(request.headers['webhook-timestamp']),
    'webhook-signature': String(request.headers['webhook-signature']),
  });
}

export async function createTenant(h: TestHarness, name = 'Platform'): Promise<string> {
  const response = await h.api('POST', '/api/v1/tenants', { name });
  if (response.status !== 201) throw new Error(`tenant not created: ${JSON.stringify(response.body)}`);
  return response.body.id;
}

export async function createEndpoint(h: TestHarness, tenantId: string, body: Record<string, unknown>) {
  const response = await h.api('POST', `/api/v1/tenants/${tenantId}/webhook-endpoints`, body);
  if (response.status !== 201) throw new Error(`endpoint not created: ${JSON.stringify(response.body)}`);
  return response.body as { id: string; secret: string; url: string; event_types: string[] };
}

/** Commits business changes the way modules do: domain events through a unit of work. */
export async function recordEvents(
  h: TestHarness,
  tenantId: string,
  events: { type: string; object: { type: string; id: string }; snapshot?: unknown }[],
): Promise<void> {
  await inUnitOfWork(h.ctx, async (effects) => {
    for (const event of events)
      effects.recordDomainEvent({ tenantId, type: event.type, object: event.object, snapshot: event.snapshot ?? { id: event.object.id } });
  });
}
