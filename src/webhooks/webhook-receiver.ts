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

/** One delivery to `POST /webhooks/stripe/{connection_id}`, as the HTTP layer in front hands it over. */
export interface Delivery {
  readonly connectionId: string;
  /** A request header by its lower-case name (repeated ones joined with ", "). */
  header(name: string): string | undefined;
  /** The raw body; past `limit` bytes it may return `limit + 1` bytes instead of the rest. Rejects if it does not arrive. */
  readBody(limit: number): Promise<Uint8Array>;
}

/** What to answer: a status, a JSON body, and for a rate-limited connection a Retry-After. */
export interface WebhookAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly retryAfterSeconds?: number;
}

export type ReceiveWebhook = (delivery: Delivery) => Promise<WebhookAnswer>;

/** Paybridge's ids (`conn_` and 20 base62 characters) and the hand-made ones tests use. */
const CONNECTION_ID = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Stripe sends a whole event in one burst; a client still trickling its body after this long is
 * broken or hostile, and would otherwise hold a socket (and delay shutdown) for minutes.
 */
export const BODY_DEADLINE_MS = 10_000;

/** A stored delivery's answers, built once: every acknowledgement is one of these. */
const ACKNOWLEDGED = {
  received: { received: true, duplicate: false, status: 'received' },
  paused: { received: true, duplicate: false, status: 'paused' },
  duplicate: { received: true, duplicate: true, status: 'duplicate' },
} as const;

const receivers = new WeakMap<AppContext, { receive: ReceiveWebhook; rejections: RejectionTracker }>();

/** Writes the rejection counts gathered in memory now rather than at the next 5-second flush. */
export async function flushWebhookRejections(ctx: AppContext): Promise<void> {
  await receivers.get(ctx)?.rejections.flush();
}

/**
 * The webhook receiver of this context: verify the raw bytes, store the event durably, answer.
 * Nothing else runs before the answer; processing happens in the workers. The order of checks is
 * what Stripe's retry logic needs: only a stored (or already stored) event gets a 2xx. One per
 * context, whichever HTTP layer calls it (src/http/webhook-listener.ts when serving, the Hono route
 * under `app.request()`), so every delivery shares one group commit.
 */
export function webhookReceiver(ctx: AppContext): ReceiveWebhook {
  const existing = receivers.get(ctx);
  if (existing) return existing.receive;
  const rejections = new RejectionTracker(ctx);
  const receive = createReceiver(ctx, rejections);
  receivers.set(ctx, { receive, rejections });
  return receive;
}

function createReceiver(ctx: AppContext, rejections: RejectionTracker): ReceiveWebhook {
  const signalWorkers = storedEventsSignal(ctx);
  const writer = new EventWriter(ctx.store.ingestDb, {
    maxBatch: 500,
    // One batch in flight: concurrent inserts into the same tables cost PostgreSQL far more CPU per
    // row on the 2-core bench (bench/db-insert.ts: 60 µs a row one batch at a time, 110 two at a time,
    // 209-254 four at a time). Against four, the ingest bench measured PostgreSQL 43-59 against 75-83
    // µs per event and the server 8 % less (2026-12-03). Batches queued meanwhile grow instead.
    maxInFlight: 1,
    onStored: (events) => {
      ctx.metrics.webhooksReceived.inc(events.length);
      ctx.bus.emit('events-stored', events.length);
      signalWorkers();
      updateConnectionActivity(ctx, events);
    },
  });
  const flushTimer = setInterval(() => void rejections.flush(), 5_000);
  flushTimer.unref();
  onShutdown(ctx, async () => {
    clearInterval(flushTimer);
    await rejections.flush();
  });

  const refuse = (status: number, connectionId: string | null, reason: RejectionReason, message: string): WebhookAnswer => {
    if (!rejections.record(connectionId, reason, message)) {
      return {
        status: 429,
        body: errorBody('rate_limited', 'Too many failed deliveries for this connection in the last minute; try again later.'),
        retryAfterSeconds: 60,
      };
    }
    return { status, body: errorBody(reason, message) };
  };
  const unknown = () =>
    refuse(
      404,
      null,
      'unknown_connection',
      'No connection receives events at this URL (unknown or disconnected). Copy the webhook URL again from the connection page.',
    );

  return async (delivery) => {
    const connectionId = delivery.connectionId;
    const limit = ctx.config.webhookBodyLimitBytes;
    // Anything that cannot be a connection id (a NUL, a slash, a kilobyte of text) is unknown
    // without asking the store, which would refuse some of them with an error rather than "no row".
    if (!CONNECTION_ID.test(connectionId)) return unknown();

    let connection;
    try {
      connection = await loadReceivingConnection(ctx, connectionId);
    } catch (error) {
      ctx.logger.error({ err: error, connectionId }, 'store unavailable while receiving a webhook');
      return {
        status: 503,
        body: errorBody('store_unavailable', 'The event store is unavailable; nothing was stored. Stripe will retry.'),
      };
    }
    // Refusals before this point count in one bucket for all unknown ids: a flood of random URLs
    // must not add a counter, a rate-limit window or a row per made-up id.
    if (!connection || connection.row.disconnected_at) return unknown();
    if (Number(delivery.header('content-length') ?? 0) > limit) {
      return refuse(
        413,
        connectionId,
        'body_too_large',
        `The body is larger than ${limit} bytes; Stripe events are far smaller. Raise PAYBRIDGE_WEBHOOK_BODY_LIMIT_BYTES if this is a genuine event.`,
      );
    }

    let rawBody: Uint8Array;
    try {
      rawBody = await delivery.readBody(limit);
    } catch {
      // The socket is already destroyed (deadline) or broken; this answer only reaches a client
      // that is still listening.
      return { status: 408, body: errorBody('body_timeout', `The body did not arrive within ${BODY_DEADLINE_MS / 1000} seconds.`) };
    }
    if (rawBody.byteLength > limit) {
      return refuse(413, connectionId, 'body_too_large', `The body is larger than ${limit} bytes.`);
    }
    const now = ctx.now();
    const secrets = secretsValidAt(connection, now);
    if (secrets.length === 0) {
      return refuse(
        400,
        connectionId,
        'no_signing_secret',
        "This connection has no signing secret yet, so no delivery can be verified. Paste the endpoint's signing secret (whsec_…) as webhook_secret.",
      );
    }
    const signature = verifyStripeSignature({
      rawBody,
      header: delivery.header('stripe-signature'),
      secrets,
      nowSeconds: Math.floor(now.getTime() / 1000),
    });
    if (!signature.ok) return refuse(400, connectionId, signature.reason, signature.message);

    const payload = Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
    const parsed = parseEventBody(payload, Math.floor(now.getTime() / 1000));
    if (!parsed.ok) return refuse(400, connectionId, 'invalid_payload', parsed.message);
    const event = parsed.event;
    const row = connection.row;
    if (event.livemode !== undefined && event.livemode !== (row.mode === 'live')) {
      return refuse(
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
      return { status: 200, body: ACKNOWLEDGED[outcome === 'duplicate' ? 'duplicate' : status] };
    } catch (error) {
      ctx.logger.error({ err: error, connectionId, stripeEventId: event.id }, 'could not store a webhook event');
      return {
        status: 503,
        body: errorBody('store_unavailable', 'The event could not be stored; nothing was acknowledged. Stripe will retry.'),
      };
    }
  };
}
