import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppContext } from '../context';
import { onShutdown } from '../shutdown';
import { errorBody } from '../errors';
import { updateConnectionActivity } from './connection-activity';
import { loadReceivingConnection, secretsValidAt } from './connection-cache';
import { EventWriter } from './event-writer';
import { parseEventBody } from './parse-event';
import { RejectionTracker, type RejectionReason } from './rejections';
import { storedEventsSignal } from './stored-events-signal';
import { verifyStripeSignature } from './signature';

const trackers = new WeakMap<AppContext, RejectionTracker>();

/** Paybridge's ids (`conn_` and 20 base62 characters) and the hand-made ones tests use. */
const CONNECTION_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Stripe sends a whole event in one burst; a client still trickling its body after this long is
 * broken or hostile, and would otherwise hold a socket (and delay shutdown) for minutes.
 */
const BODY_DEADLINE_MS = 10_000;

/** Writes the rejection counts gathered in memory now rather than at the next 5-second flush. */
export async function flushWebhookRejections(ctx: AppContext): Promise<void> {
  await trackers.get(ctx)?.flush();
}

/**
 * `POST /webhooks/stripe/{connection_id}`: verify the raw bytes, store the event durably, answer.
 * Nothing else runs before the answer; processing happens in the workers. The order of checks is
 * what Stripe's retry logic needs: only a stored (or already stored) event gets a 2xx.
 */
export function webhookRoutes(ctx: AppContext) {
  const rejections = new RejectionTracker(ctx);
  const signalWorkers = storedEventsSignal(ctx);
  const writer = new EventWriter(ctx.store.ingestDb, {
    maxBatch: 500,
    // Four batches in flight beat eight on the 2-core bench (7,809 against 7,316-7,558 events/s):
    // fewer, larger commits cost PostgreSQL less CPU per event.
    maxInFlight: ctx.store.kind === 'postgres' ? 4 : 1,
    onStored: (events) => {
      ctx.metrics.webhooksReceived.inc(events.length);
      ctx.bus.emit('events-stored', events.length);
      signalWorkers();
      updateConnectionActivity(ctx, events);
    },
  });
  trackers.set(ctx, rejections);
  const flushTimer = setInterval(() => void rejections.flush(), 5_000);
  flushTimer.unref();
  onShutdown(ctx, async () => {
    clearInterval(flushTimer);
    await rejections.flush();
  });

  const refuse = (c: Context, status: ContentfulStatusCode, connectionId: string | null, reason: RejectionReason, message: string) => {
    const allowed = rejections.record(connectionId, reason, message);
    if (!allowed) {
      c.header('Retry-After', '60');
      return c.json(errorBody('rate_limited', 'Too many failed deliveries for this connection in the last minute; try again later.'), 429);
    }
    return c.json(errorBody(reason, message), status);
  };

  const router = new Hono();
  router.post('/webhooks/stripe/:connection_id', async (c) => {
    const connectionId = c.req.param('connection_id');
    const limit = ctx.config.webhookBodyLimitBytes;
    const incoming = nodeRequest(c);
    const header = (name: string) => (incoming ? joined(incoming.headers[name]) : c.req.header(name));
    const unknown = () =>
      refuse(
        c,
        404,
        null,
        'unknown_connection',
        'No connection receives events at this URL (unknown or disconnected). Copy the webhook URL again from the connection page.',
      );
    // Anything that cannot be a connection id (a NUL, a slash, a kilobyte of text) is unknown
    // without asking the store, which would refuse some of them with an error rather than "no row".
    if (!CONNECTION_ID.test(connectionId)) return unknown();

    let connection;
    try {
      connection = await loadReceivingConnection(ctx, connectionId);
    } catch (error) {
      ctx.logger.error({ err: error, connectionId }, 'store unavailable while receiving a webhook');
      return c.json(errorBody('store_unavailable', 'The event store is unavailable; nothing was stored. Stripe will retry.'), 503);
    }
    // Refusals before this point count in one bucket for all unknown ids: a flood of random URLs
    // must not add a counter, a rate-limit window or a row per made-up id.
    if (!connection || connection.row.disconnected_at) return unknown();
    if (Number(header('content-length') ?? 0) > limit) {
      return refuse(
        c,
        413,
        connectionId,
        'body_too_large',
        `The body is larger than ${limit} bytes; Stripe events are far smaller. Raise PAYBRIDGE_WEBHOOK_BODY_LIMIT_BYTES if this is a genuine event.`,
      );
    }

    let rawBody: Uint8Array;
    try {
      rawBody = incoming ? await readBody(incoming, limit, BODY_DEADLINE_MS) : new Uint8Array(await c.req.arrayBuffer());
    } catch {
      // The socket is already destroyed (deadline) or broken; this answer only reaches a client
      // that is still listening.
      return c.json(errorBody('body_timeout', `The body did not arrive within ${BODY_DEADLINE_MS / 1000} seconds.`), 408);
    }
    if (rawBody.byteLength > limit) {
      return refuse(c, 413, connectionId, 'body_too_large', `The body is larger than ${limit} bytes.`);
    }
    const now = ctx.now();
    const secrets = secretsValidAt(connection, now);
    if (secrets.length === 0) {
      return refuse(
        c,
        400,
        connectionId,
        'no_signing_secret',
        "This connection has no signing secret yet, so no delivery can be verified. Paste the endpoint's signing secret (whsec_…) as webhook_secret.",
      );
    }
    const signature = verifyStripeSignature({
      rawBody,
      header: header('stripe-signature'),
      secrets,
      nowSeconds: Math.floor(now.getTime() / 1000),
    });
    if (!signature.ok) return refuse(c, 400, connectionId, signature.reason, signature.message);

    const payload = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
    const parsed = parseEventBody(payload, Math.floor(now.getTime() / 1000));
    if (!parsed.ok) return refuse(c, 400, connectionId, 'invalid_payload', parsed.message);
    const event = parsed.event;
    const row = connection.row;
    if (event.livemode !== undefined && event.livemode !== (row.mode === 'live')) {
      return refuse(
        c,
        400,
        connectionId,
        'livemode_mismatch',
        `This connection is in ${row.mode} mode but the event has livemode=${event.livemode}. Send ${event.livemode ? 'live' : 'test'}-mode events to a ${event.livemode ? 'live' : 'test'}-mode connection's URL.`,
      );
    }

    const status = row.is_active ? 'received' : 'paused';
    try {
      const outcome = await writer.write({
        connection_id: row.id,
        tenant_id: row.tenant_id,
        stripe_event_id: event.id,
        type: event.type,
        livemode: event.livemode ?? row.mode === 'live',
        api_version: event.apiVersion,
        stripe_created: event.created,
        object_id: event.objectId,
        object_type: event.objectType,
        payload,
        source: 'webhook',
        status,
        received_at: now,
        next_attempt_at: now,
      });
      if (outcome === 'duplicate') ctx.metrics.webhooksDuplicate.inc();
      return c.json({ received: true, duplicate: outcome === 'duplicate', status: outcome === 'duplicate' ? 'duplicate' : status });
    } catch (error) {
      ctx.logger.error({ err: error, connectionId, stripeEventId: event.id }, 'could not store a webhook event');
      return c.json(errorBody('store_unavailable', 'The event could not be stored; nothing was acknowledged. Stripe will retry.'), 503);
    }
  });
  return router;
}

/**
 * The Node request behind this delivery when @hono/node-server serves it. Reading the body and
 * headers from it directly skips building a WHATWG Request (stream, abort signal, Headers) per
 * delivery, which was the largest single cost of the route under load; `app.request()` in tests
 * has no Node request and takes the standard path.
 */
function nodeRequest(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming && typeof incoming.on === 'function' && !incoming.readableEnded ? incoming : undefined;
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * The raw bytes; past `limit` it keeps draining but stops buffering and returns limit + 1 bytes'
 * worth. Past `deadlineMs` it destroys the request (and so its socket) and rejects.
 */
function readBody(incoming: IncomingMessage, limit: number, deadlineMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const deadline = setTimeout(() => {
      incoming.destroy();
      reject(new Error('webhook body deadline passed'));
    }, deadlineMs);
    incoming.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) chunks.push(chunk);
    });
    incoming.once('end', () => {
      clearTimeout(deadline);
      resolve(size > limit ? new Uint8Array(limit + 1) : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    incoming.once('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
  });
}
