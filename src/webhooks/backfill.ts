import type Stripe from 'stripe';
import type { AppContext } from '../context';
import { bindingFor } from '../crypto/sealed-columns';
import { fromStripeError } from '../stripe/stripe-errors';
import { findBackfillCursor, recordBackfillRun } from '../store/backfill-cursors';
import { insertEvents, type IncomingEvent } from '../store/events';
import type { ConnectionRow } from '../store/schema';
import { eventsForFeatures, type Feature } from '../stripe/features';
import { forgetConnection } from './connection-cache';
import { isFutureDated, payloadProblem } from './parse-event';

/** Stripe keeps events for 30 days; asking for older ones returns nothing, so the window is clamped. */
export const EVENT_RETENTION_SECONDS = 30 * 24 * 3600;
/**
 * A run without `since` starts this long before the last complete run started: an event Stripe
 * made visible in its list a little after its `created` (or a clock a little off ours) is still
 * fetched. Overlap costs only duplicates, which the dedupe key skips.
 */
export const BACKFILL_OVERLAP_SECONDS = 10 * 60;
const INSERT_BATCH = 500;

/**
 * How far a backfill has read. Stripe's list gives no total, but it runs newest first over a known
 * window (`since` to the run's start), so the time it has gone back through is the share done.
 */
export interface BackfillProgress {
  readonly fetched: number;
  /** Epoch seconds: the window's start, its end (the run's start), and the oldest `created` read so far. */
  readonly since: number;
  readonly until: number;
  readonly reached: number;
}

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
 * Fetches events from Stripe's `GET /v1/events` and feeds them through the same dedupe and queue
 * as webhook deliveries. Without `since` it resumes from the high-water mark of the last complete
 * run (minus an overlap), never from the newest stored event: a delivered event says nothing about
 * the ones missed before it. With no complete run yet, it covers Stripe's whole 30-day window.
 * Returns a result instead of throwing halfway, so a caller always learns how far it got.
 */
export async function backfillConnection(
  ctx: AppContext,
  connection: ConnectionRow,
  options: { since?: number; onProgress?: (progress: BackfillProgress) => void } = {},
): Promise<BackfillResult> {
  const startedAt = ctx.now();
  const nowSeconds = Math.floor(startedAt.getTime() / 1000);
  const oldest = nowSeconds - EVENT_RETENTION_SECONDS;
  const cursor = await findBackfillCursor(ctx.store.db, connection.id);
  const covered = cursor?.coveredUntil ? Math.floor(cursor.coveredUntil.getTime() / 1000) : undefined;
  const since = Math.max(oldest, options.since ?? (covered === undefined ? oldest : covered - BACKFILL_OVERLAP_SECONDS));
  const wanted = new Set(eventsForFeatures(connection.features as Feature[]));
  const counts = { fetched: 0, stored: 0, duplicates: 0, skipped: 0 };
  let error: string | null = null;
  let batch: IncomingEvent[] = [];
  let reached = nowSeconds;

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
    for await (const event of stripe.events.list({ created: { gte: since }, limit: 100 })) {
      counts.fetched += 1;
      reached = Math.max(since, Math.min(reached, event.created));
      options.onProgress?.({ fetched: counts.fetched, since, until: nowSeconds, reached });
      if (!wanted.has(event.type) || event.livemode !== (connection.mode === 'live')) {
        counts.skipped += 1;
        continue;
      }
      const incoming = toIncoming(connection, event, ctx.now());
      // The same refusals as the webhook route: a row PostgreSQL cannot store would fail the
      // whole insert batch, and a future date has no place in Stripe's history.
      const problem = isFutureDated(event.created, nowSeconds) ? 'created is in the future' : payloadProblem(incoming.payload);
      if (problem) {
        counts.skipped += 1;
        ctx.logger.warn({ connectionId: connection.id, stripeEventId: event.id, problem }, 'backfill skipped an event it cannot store');
        continue;
      }
      batch.push(incoming);
      if (batch.length >= INSERT_BATCH) await flush();
    }
    await flush();
  } catch (caught) {
    error = fromStripeError(caught, 'backfilling events').message;
    await flush().catch(() => undefined);
  }

  // The mark moves to this run's start only when the run left no hole: it finished, and it began at
  // or before the previous mark (or at the window's start). A later `since` proves nothing earlier.
  const contiguous = since <= Math.max(covered ?? oldest, oldest);
  await recordBackfillRun(ctx.store.db, {
    connectionId: connection.id,
    ranAt: ctx.now(),
    result: JSON.stringify({ ...counts, error }),
    coveredUntil: error === null && contiguous ? startedAt : null,
  });
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
