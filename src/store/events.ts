import { sql } from 'kysely';
import { newId } from '../ids';
import type { Db } from './database';
import type { EventRow, EventStatus, NewEvent } from './schema';

export type IncomingEvent = Omit<NewEvent, 'id' | 'status' | 'attempts' | 'status_reason' | 'last_error' | 'processed_at'> & {
  status: 'received' | 'paused';
};

/**
 * Inserts many events in one statement and reports which were new. Duplicates (same connection and
 * Stripe event id, also within the batch) are skipped by the unique key, so a redelivery is never
 * stored twice and never fails the batch.
 */
export async function insertEvents(db: Db, events: IncomingEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows = events.map((event) => ({ ...event, id: newId('event') }));
  const inserted = await db
    .insertInto('events')
    .values(rows)
    .onConflict((oc) => oc.columns(['connection_id', 'stripe_event_id']).doNothing())
    .returning(['connection_id', 'stripe_event_id'])
    .execute();
  return new Set(inserted.map((row) => `${row.connection_id}/${row.stripe_event_id}`));
}

export interface EventFilter {
  tenantId: string;
  status?: EventStatus;
  type?: string;
  connectionId?: string;
  objectId?: string;
}

function filtered(db: Db, filter: EventFilter) {
  let query = db.selectFrom('events').where('tenant_id', '=', filter.tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.connectionId) query = query.where('connection_id', '=', filter.connectionId);
  if (filter.objectId) query = query.where('object_id', '=', filter.objectId);
  return query;
}

export type EventSummary = Omit<EventRow, 'payload' | 'locked_by' | 'locked_until'>;

const summaryColumns = [
  'id', 'connection_id', 'tenant_id', 'stripe_event_id', 'type', 'livemode', 'api_version', 'stripe_created', 'object_id',
  'object_type', 'source', 'status', 'status_reason', 'attempts', 'last_error', 'next_attempt_at', 'received_at', 'processed_at',
] as const;

/** Newest first, keyset-paginated on (received_at, id). */
export async function listEvents(
  db: Db,
  filter: EventFilter,
  page: { limit: number; before?: { receivedAt: Date; id: string } },
): Promise<EventSummary[]> {
  let query = filtered(db, filter).select(summaryColumns);
  if (page.before) {
    const { receivedAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('received_at', '<', receivedAt), eb.and([eb('received_at', '=', receivedAt), eb('id', '<', id)])]));
  }
  return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export async function findTenantEvent(db: Db, tenantId: string, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function listEventAttempts(db: Db, eventId: string) {
  return db.selectFrom('event_attempts').selectAll().where('event_id', '=', eventId).orderBy('attempt', 'asc').execute();
}

/** Puts events back in the queue; a replay goes through the same idempotent pipeline as a first delivery. */
export async function requeueEvents(db: Db, filter: EventFilter & { ids?: string[] }, now: Date): Promise<number> {
  let query = db
    .updateTable('events')
    .set({ status: 'received', status_reason: null, next_attempt_at: now })
    .where('tenant_id', '=', filter.tenantId)
    .where('status', '!=', 'paused');
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.connectionId) query = query.where('connection_id', '=', filter.connectionId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** A re-enabled connection's paused events join the queue in their original order. */
export async function resumePausedEvents(db: Db, connectionId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('events')
    .set({ status: 'received', status_reason: null, next_attempt_at: now })
    .where('connection_id', '=', connectionId)
    .where('status', '=', 'paused')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function countEventsByStatus(db: Db, connectionId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('events')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('connection_id', '=', connectionId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}

export async function queueDepth(db: Db): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', 'in', ['received', 'failed'])
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The newest Stripe `created` seen for a connection: where a backfill resumes. */
export async function newestEventCreated(db: Db, connectionId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('events')
    .select(sql<number | null>`max(stripe_created)`.as('newest'))
    .where('connection_id', '=', connectionId)
    .executeTakeFirst();
  return row?.newest == null ? undefined : Number(row.newest);
}
