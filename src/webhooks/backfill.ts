import type Stripe from 'stripe';
import type { AppContext } from '../context';
import { bindingFor } from '../crypto/sealed-columns';
import { fromStripeError } from '../stripe/stripe-errors';
import { insertEvents, newestEventCreated, type IncomingEvent } from '../store/events';
import type { ConnectionRow } from '../store/schema';
import { eventsForFeatures, type Feature } from '../stripe/features';
import { forgetConnection } from './connection-cache';

/** Stripe keeps events for 30 days; asking for older ones returns nothing, so the window is clamped. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;
const INSERT_BATCH = 500;

export interface BackfillResult {
  readonly connectionId: string;
  readonly since: number;
  readonly fetched: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly skipped: number;
  readonly error: string | null;
}

/**
 * Fetches events from Stripe's `GET /v1/events` since the newest one stored (or `since`), and feeds
 * them through the same dedupe and queue as webhook deliveries. Returns a result instead of throwing
 * halfway, so a caller always learns how far it got.
 */
export async function backfillConnection(
  ctx: AppContext,
  connection: ConnectionRow,
  options: { since?: number; onProgress?: (fetched: number) => void } = {},
): Promise<BackfillResult> {
  const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
  const oldest = nowSeconds - EVENT_RETENTION_SECONDS;
  const newest = options.since === undefined ? await newestEventCreated(ctx.store.db, connection.id) : undefined;
  const since = Math.max(oldest, options.since ?? newest ?? oldest);
  const wanted = new Set(eventsForFeatures(connection.features as Feature[]));
  const counts = { fetched: 0, stored: 0, duplicates: 0, skipped: 0 };
  let error: string | null = null;
  let batch: IncomingEvent[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const stored = await insertEvents(ctx.store.db, batch);
    counts.stored += stored.size;
    counts.duplicates += batch.length - stored.size;
    if (stored.size > 0) ctx.bus.emit('events-stored', stored.size);
    batch = [];
  };

  try {
    const secretKey = ctx.secrets.open(connection.secret_key_sealed, bindingFor('connections', connection.id));
    const stripe = ctx.stripe(secretKey);
    const now = ctx.now();
    for await (const event of stripe.events.list({ created: { gte: since }, limit: 100 })) {
      counts.fetched += 1;
      options.onProgress?.(counts.fetched);
      if (!wanted.has(event.type) || event.livemode !== (connection.mode === 'live')) {
        counts.skipped += 1;
        continue;
      }
      batch.push(toIncoming(connection, event, now));
      if (batch.length >= INSERT_BATCH) await flush();
    }
    await flush();
  } catch (caught) {
    error = fromStripeError(caught, 'backfilling events').message;
    await flush().catch(() => undefined);
  }

  await ctx.store.db
    .insertInto('backfill_cursors')
    .values({ connection_id: connection.id, last_run_at: ctx.now(), last_result: JSON.stringify({ ...counts, error }) })
    .onConflict((oc) =>
      oc.column('connection_id').doUpdateSet({ last_run_at: ctx.now(), last_result: JSON.stringify({ ...counts, error }) }),
    )
    .execute();
  forgetConnection(ctx, connection.id);
  return { connectionId: connection.id, since, ...counts, error };
}

function toIncoming(connection: ConnectionRow, event: Stripe.Event, now: Date): IncomingEvent {
  const object = event.data.object as unknown as Record<string, unknown>;
  return {
    connection_id: connection.id,
    tenant_id: connection.tenant_id,
    stripe_event_id: event.id,
    type: event.type,
    livemode: event.livemode,
    api_version: event.api_version ?? null,
    stripe_created: event.created,
    object_id: typeof object.id === 'string' ? object.id : null,
    object_type: typeof object.object === 'string' ? object.object : null,
    payload: JSON.stringify(event),
    source: 'backfill',
    status: connection.is_active ? 'received' : 'paused',
    received_at: now,
    next_attempt_at: now,
  };
}
