import { sql } from 'kysely';
import { newId } from '../ids';
import type { Db } from './database';
import type { EventRow, EventStatus, NewEvent } from './schema';

export type IncomingEvent = Omit<NewEvent, 'id' | 'status' | 'attempts' | 'status_reason' | 'last_error' | 'processed_at'> & {
  status: 'received' | 'paused';
  // Required, not defaulted: the batch insert binds every column, so a missing one would be null.
  received_at: Date;
  next_attempt_at: Date;
};

// Column order of the batch insert, with each column's array type for unnest().
const INSERT_COLUMNS = [
  ['id', 'text'],
  ['connection_id', 'text'],
  ['tenant_id', 'text'],
  ['stripe_event_id', 'text'],
  ['type', 'text'],
  ['livemode', 'bool'],
  ['api_version', 'text'],
  ['stripe_created', 'int8'],
  ['object_id', 'text'],
  ['object_type', 'text'],
  ['payload', 'text'],
  ['source', 'text'],
  ['status', 'text'],
  ['received_at', 'timestamptz'],
  ['next_attempt_at', 'timestamptz'],
] as const satisfies readonly (readonly [keyof NewEvent, string])[];

/**
 * Inserts many events in one statement and reports which were new. Duplicates (same connection and
 * Stripe event id, also within the batch) are skipped by the unique key, so a redelivery is never
 * stored twice and never fails the batch.
 *
 * One array parameter per column through unnest() rather than a VALUES list of 15 parameters per
 * row: no query tree to compile per batch, and PostgreSQL binds 14 arrays instead of thousands of
 * parameters (bench/db-insert.ts compares both). The payloads are the exception: one text
 * parameter each, gathered by `array[...]`. Inside an array literal every quote of the JSON would
 * be escaped by pg and unescaped again by PostgreSQL, which cost more CPU on both sides than the
 * extra parameters.
 */
export async function insertEvents(db: Db, events: IncomingEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const columns = INSERT_COLUMNS.map(() => new Array<unknown>(events.length));
  events.forEach((event, row) => {
    const values: Record<string, unknown> = { ...event, id: newId('event') };
    INSERT_COLUMNS.forEach(([name], column) => {
      columns[column]![row] = values[name] ?? null;
    });
  });
  const inserted = await sql<{ connection_id: string; stripe_event_id: string }>`
    insert into events (${sql.join(INSERT_COLUMNS.map(([name]) => sql.ref(name)))})
    select * from unnest(${sql.join(INSERT_COLUMNS.map(([name, type], column) => (name === 'payload' ? sql`array[${sql.join(columns[column]!)}]::text[]` : sql`${columns[column]}::${sql.raw(type)}[]`)))})
    on conflict (connection_id, stripe_event_id) do nothing
    returning connection_id, stripe_event_id`.execute(db);
  return new Set(inserted.rows.map((row) => `${row.connection_id}/${row.stripe_event_id}`));
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
  'id',
  'connection_id',
  'tenant_id',
  'stripe_event_id',
  'type',
  'livemode',
  'api_version',
  'stripe_created',
  'object_id',
  'object_type',
  'source',
  'status',
  'status_reason',
  'attempts',
  'last_error',
  'next_attempt_at',
  'received_at',
  'processed_at',
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
    query = query.where((eb) =>
      eb.or([eb('received_at', '<', receivedAt), eb.and([eb('received_at', '=', receivedAt), eb('id', '<', id)])]),
    );
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

/**
 * How many events requeueEvents would put back in the queue for this filter now (the dashboard says
 * it before asking to confirm). Same conditions as requeueEvents: keep the two in step.
 */
export async function countRequeueable(db: Db, filter: EventFilter): Promise<number> {
  let query = db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', filter.tenantId)
    .where('status', '!=', 'paused');
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.connectionId) query = query.where('connection_id', '=', filter.connectionId);
  return Number((await query.executeTakeFirstOrThrow()).count);
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
