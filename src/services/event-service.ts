import type { AppContext } from '../context';
import { announce } from '../domain/unit-of-work';
import {
  countAwaitingReplay,
  countEvents,
  countEventsByStatus,
  countRequeueable,
  findTenantEvent,
  listChangedObjects,
  listEventAttempts,
  listEvents,
  requeueEvents,
  type EventFilter,
  type EventSummary,
} from '../store/events';
import { listRejectionCounts, listRejectionSamples } from '../store/rejections';
import type { EventRow } from '../store/schema';

/**
 * Puts stored events back in the queue and wakes the workers of every process now, instead of at
 * their next poll (the CLI runs in a process of its own, so only a notification reaches them).
 */
export async function replayEvents(ctx: AppContext, filter: EventFilter & { ids?: string[] }, at: Date = ctx.now()): Promise<number> {
  const count = await requeueEvents(ctx.store.db, filter, at);
  if (count > 0) await announce(ctx, [{ kind: 'events' }]);
  return count;
}

/** How far the workers got with a replay: `requeued` events put back at `replayedAt`, `done` of them processed (or failed and rescheduled). */
export interface ReplayProgress {
  readonly replayedAt: Date;
  readonly total: number;
  readonly done: number;
}

/**
 * A replay's progress, from the instant it was made and how many it requeued (both in its answer).
 * An event that arrives at the very same millisecond counts until a worker takes it, which it soon does.
 */
export async function replayProgress(
  ctx: AppContext,
  tenantId: string,
  replay: { replayedAt: Date; requeued: number },
): Promise<ReplayProgress> {
  const waiting = await countAwaitingReplay(ctx.store.db, tenantId, replay.replayedAt);
  return { replayedAt: replay.replayedAt, total: replay.requeued, done: Math.max(0, replay.requeued - waiting) };
}

/** How many events a replay with this filter would queue again right now (paused ones wait for their connection). */
export async function countReplayable(ctx: AppContext, filter: EventFilter): Promise<number> {
  return countRequeueable(ctx.store.db, filter);
}

/** One page of a tenant's event log, newest first. */
export async function listEventPage(
  ctx: AppContext,
  filter: EventFilter,
  page: { limit: number; before?: { receivedAt: Date; id: string }; after?: { receivedAt: Date; id: string } },
): Promise<EventSummary[]> {
  return listEvents(ctx.store.db, filter, page);
}

/** How many events match the filter, up to `cap` (the dashboard says "more than 10,000" past it). */
export async function countMatchingEvents(ctx: AppContext, filter: EventFilter, cap = 10_000) {
  return countEvents(ctx.store.db, filter, cap);
}

/** Paybridge's objects each event changed (from the domain events it caused), by `connection_id/stripe_event_id`. */
export async function changedObjectsOf(
  ctx: AppContext,
  tenantId: string,
  events: readonly { connection_id: string; stripe_event_id: string }[],
): Promise<Map<string, { type: string; id: string }[]>> {
  const rows = await listChangedObjects(ctx.store.db, tenantId, events);
  const byEvent = new Map<string, { type: string; id: string }[]>();
  for (const row of rows) {
    const key = `${row.connection_id}/${row.stripe_event_id}`;
    byEvent.set(key, [...(byEvent.get(key) ?? []), { type: row.object_type, id: row.object_id }]);
  }
  return byEvent;
}

/** A tenant's event with its processing attempts, oldest first; undefined when it is not this tenant's. */
export async function findEventWithAttempts(ctx: AppContext, tenantId: string, eventId: string) {
  const event = await findTenantEvent(ctx.store.db, tenantId, eventId);
  if (!event) return undefined;
  return { event, attempts: await listEventAttempts(ctx.store.db, event.id) };
}

export async function findEvent(ctx: AppContext, tenantId: string, eventId: string): Promise<EventRow | undefined> {
  return findTenantEvent(ctx.store.db, tenantId, eventId);
}

/** How many of a connection's events are in each status. */
export async function eventCountsByStatus(ctx: AppContext, connectionId: string): Promise<Record<string, number>> {
  return countEventsByStatus(ctx.store.db, connectionId);
}

/** Refused deliveries of a tenant's connections: counts by connection and reason, and the newest samples. */
export async function rejectionReport(ctx: AppContext, tenantId: string, sampleLimit = 50) {
  const [counts, samples] = await Promise.all([
    listRejectionCounts(ctx.store.db, tenantId),
    listRejectionSamples(ctx.store.db, tenantId, sampleLimit),
  ]);
  return { counts, samples };
}
