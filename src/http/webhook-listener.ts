import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../context';
import { errorBody } from '../errors';
import { BODY_DEADLINE_MS, webhookReceiver, type WebhookAnswer } from '../webhooks/webhook-receiver';

const WEBHOOK_PATH = /^\/webhooks\/stripe\/([^/?#]+)(?:\?.*)?$/;

/**
 * Stripe's deliveries straight from Node's request to the receiver, ahead of Hono. The webhook route
 * is the one hot path: building a WHATWG Request and Response, routing through the app and its
 * middleware cost about a tenth of the server's CPU per event (issue 19). Everything else, and any
 * request this does not recognise, goes to Hono. Returns false when the request is not a delivery.
 * It does what the app's middleware does for every request: X-Request-Id, and the debug log line.
 */
export function webhookListener(ctx: AppContext): (request: IncomingMessage, response: ServerResponse) => boolean {
  const receive = webhookReceiver(ctx);

  const answer = async (request: IncomingMessage, requestId: string, connectionId: string): Promise<WebhookAnswer> => {
    try {
      return await receive({
        connectionId: decodedSegment(connectionId),
        header: (name) => header(request, name),
        readBody: (limit) => readBody(request, limit, BODY_DEADLINE_MS),
      });
    } catch (error) {
      // The receiver answers every expected failure itself; this is a defect, said as the app says it.
      ctx.logger.error({ err: error, requestId, path: '/webhooks/stripe/:connection_id' }, 'unhandled error');
      const message = `Something failed on our side; nothing was stored. Quote request id ${requestId} when reporting it.`;
      return { status: 500, body: errorBody('internal_error', message) };
    }
  };

  return (request, response) => {
    if (request.method !== 'POST') return false;
    const match = WEBHOOK_PATH.exec(request.url ?? '');
    if (!match) return false;
    const started = performance.now();
    const requestId = header(request, 'x-request-id') ?? randomUUID();
    void answer(request, requestId, match[1]!).then(({ status, body, retryAfterSeconds }) => {
      const text = JSON.stringify(body);
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-request-id': requestId,
      };
      if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
      response.writeHead(status, headers);
      response.end(text);
      if (ctx.logger.isLevelEnabled('debug')) {
        const ms = Math.round(performance.now() - started);
        ctx.logger.debug({ requestId, method: 'POST', path: request.url?.split('?')[0], status, ms }, 'request');
      }
    });
    return true;
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The path segment as Hono's router would give it (percent-decoded); undecodable text stays as sent. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The raw bytes; past `limit` it keeps draining but stops buffering and returns limit + 1 bytes'
 * worth. Past `deadlineMs` it destroys the request (and so its socket) and rejects.
 */
function readBody(request: IncomingMessage, limit: number, deadlineMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const deadline = setTimeout(() => {
      request.destroy();
      reject(new Error('webhook body deadline passed'));
    }, deadlineMs);
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
    });
    request.once('end', () => {
      clearTimeout(deadline);
      resolve(size > limit ? new Uint8Array(limit + 1) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    request.once('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
  });
}
