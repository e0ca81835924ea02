import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { newId } from '../ids';
import type { Db } from './database';
import type { Database, EventRow, EventStatus, NewEvent } from './schema';

export type IncomingEvent = Omit<NewEvent, 'id' | 'status' | 'attempts' | 'status_reason' | 'last_error' | 'processed_at'> & {
  status: 'received' | 'paused';
  // Required, not defaulted: the batch insert binds every column, so a missing one would be null.
  received_at: Date;
  next_attempt_at: Date;
};

// The arguments of insert_events() (migration 0280), in order, with each column's array type.
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

/** Joins the payloads into insert_events()' one text argument; valid JSON never holds it unescaped. */
const PAYLOAD_SEPARATOR = '\x1e';

/**
 * Inserts many events in one statement and reports which were new. Duplicates (same connection and
 * Stripe event id, also within the batch) are skipped, so a redelivery is never stored twice and
 * never fails the batch. The dedupe is `event_keys`' primary key, not `events` (partitioned by month,
 * so it can hold no unique key without the month): insert_events() inserts each key first, and only
 * the rows whose key was new go into `events`, in the same statement, so a key exists exactly when
 * its event was stored. A concurrent insert of the same key waits on the key's index entry until the
 * first commits, then skips.
 *
 * One array per column (the function unnests them) rather than a VALUES list of 15 parameters per
 * row, and the same short statement text for every batch, so PostgreSQL parses almost nothing and
 * reuses the function's plan (bench/db-insert.ts measures it). Timestamps go as ISO text: pg's own
 * Date formatting was a visible share of the route's profile.
 */
export async function insertEvents(db: Db, events: IncomingEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const payloads = events.map((event) => event.payload);
  if (payloads.some((payload) => payload.includes(PAYLOAD_SEPARATOR))) {
    throw new Error('An event payload holds a raw U+001E character, which JSON cannot; the events were not stored.');
  }
  const args = INSERT_COLUMNS.map(([name, type]) => {
    if (name === 'payload') return sql`${payloads.join(PAYLOAD_SEPARATOR)}`;
    const cells = name === 'id' ? events.map(() => newId('event')) : events.map((event) => cell(event[name]));
    return sql`${cells}::${sql.raw(type)}[]`;
  });
  const inserted = await sql<{ connection_id: string; stripe_event_id: string }>`
    select connection_id, stripe_event_id from insert_events(${sql.join(args)})`.execute(db);
  return new Set(inserted.rows.map((row) => `${row.connection_id}/${row.stripe_event_id}`));
}

function cell(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : (value ?? null);
}

export interface EventFilter {
  tenantId: string;
  status?: EventStatus;
  /** Exact type (the API). */
  type?: string;
  /** Type prefix (the dashboard): `payment_intent` finds `payment_intent.succeeded`, `payment_intent.created`… */
  typePrefix?: string;
  connectionId?: string;
  objectId?: string;
  /** Received at or after / before these times. */
  receivedFrom?: Date;
  receivedBefore?: Date;
  /**
   * One id typed into the search box: the event's own id, its Stripe event id or its object id, or a
   * Paybridge object (invoice, subscription, payment request, customer) whose changes it caused.
   * `connectionIds` are the tenant's, so the (connection_id, …) indexes serve the lookup.
   */
  search?: { term: string; connectionIds: readonly string[]; changedObjectType?: string; eventIds?: readonly string[] };
}

/**
 * Turns the Stripe event ids and changed objects a search term names into Paybridge event ids, read
 * from event_keys (every stored event keeps its key there) and domain_events. Since events is
 * partitioned (migration 0230) it has no index on the Stripe event id, but every partition has one on
 * id, so the list query then finds the rows through that index instead of scanning every month.
 */
async function resolveSearch(db: Db, filter: EventFilter): Promise<EventFilter> {
  const search = filter.search;
  if (!search || search.eventIds || search.connectionIds.length === 0) return filter;
  const byStripeId = db
    .selectFrom('event_keys')
    .select('event_id')
    .where('tenant_id', '=', filter.tenantId)
    .where('connection_id', 'in', [...search.connectionIds])
    .where('stripe_event_id', '=', search.term);
  const query = search.changedObjectType
    ? byStripeId.union(
        db
          .selectFrom('domain_events as d')
          .innerJoin('event_keys as k', (join) =>
            join
              .onRef('k.tenant_id', '=', 'd.tenant_id')
              .onRef('k.connection_id', '=', 'd.connection_id')
              .onRef('k.stripe_event_id', '=', 'd.stripe_event_id'),
          )
          .select('k.event_id')
          .where('d.tenant_id', '=', filter.tenantId)
          .where('d.object_type', '=', search.changedObjectType)
          .where('d.object_id', '=', search.term),
      )
    : byStripeId;
  const rows = await query.limit(1_000).execute();
  return { ...filter, search: { ...search, eventIds: rows.map((row) => row.event_id) } };
}

/** `like` pattern matching values that start with `prefix` (its own % and _ taken literally). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function conditions(eb: ExpressionBuilder<Database, 'events'>, filter: EventFilter): Expression<SqlBool>[] {
  const list: Expression<SqlBool>[] = [eb('events.tenant_id', '=', filter.tenantId)];
  if (filter.status) list.push(eb('events.status', '=', filter.status));
  if (filter.type) list.push(eb('events.type', '=', filter.type));
  if (filter.typePrefix) list.push(eb('events.type', 'like', prefixPattern(filter.typePrefix)));
  if (filter.connectionId) list.push(eb('events.connection_id', '=', filter.connectionId));
  if (filter.objectId) list.push(eb('events.object_id', '=', filter.objectId));
  if (filter.receivedFrom) list.push(eb('events.received_at', '>=', filter.receivedFrom));
  if (filter.receivedBefore) list.push(eb('events.received_at', '<', filter.receivedBefore));
  if (filter.search) {
    const { term, connectionIds } = filter.search;
    if (connectionIds.length === 0) list.push(sql<SqlBool>`false`);
    else {
      const ids = [...connectionIds];
      if (!filter.search.eventIds) throw new Error('an event search must be resolved (resolveSearch) before it is queried');
      const matches: Expression<SqlBool>[] = [
        eb('events.id', 'in', [term, ...filter.search.eventIds]),
        eb.and([eb('events.connection_id', 'in', ids), eb('events.object_id', '=', term)]),
      ];
      list.push(eb.or(matches));
    }
  }
  return list;
}

function filtered(db: Db, filter: EventFilter) {
  return db.selectFrom('events').where((eb) => eb.and(conditions(eb, filter)));
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

/**
 * Newest first, keyset-paginated on (received_at, id): `before` reads older rows, `after` newer ones
 * (fetched oldest first from the position, then returned newest first, for a "newer" link).
 */
export async function listEvents(
  db: Db,
  filter: EventFilter,
  page: { limit: number; before?: { receivedAt: Date; id: string }; after?: { receivedAt: Date; id: string } },
): Promise<EventSummary[]> {
  let query = filtered(db, await resolveSearch(db, filter)).select(summaryColumns);
  if (page.before) query = query.where(sql<SqlBool>`(received_at, id) < (${page.before.receivedAt}, ${page.before.id})`);
  if (page.after) {
    const rows = await query
      .where(sql<SqlBool>`(received_at, id) > (${page.after.receivedAt}, ${page.after.id})`)
      .orderBy('received_at', 'asc')
      .orderBy('id', 'asc')
      .limit(page.limit)
      .execute();
    return rows.reverse();
  }
  return query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** How many events match, counting at most `cap` + 1 rows so a huge log costs no more than that. */
export async function countEvents(db: Db, filter: EventFilter, cap: number): Promise<{ count: number; capped: boolean }> {
  const row = await db
    .selectFrom(
      filtered(db, await resolveSearch(db, filter))
        .select(sql`1`.as('one'))
        .limit(cap + 1)
        .as('matching'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  return count > cap ? { count: cap, capped: true } : { count, capped: false };
}

/** What each of these events changed, among Paybridge's own objects (invoice, subscription, payment request…). */
export async function listChangedObjects(
  db: Db,
  tenantId: string,
  events: readonly { connection_id: string; stripe_event_id: string }[],
): Promise<{ connection_id: string; stripe_event_id: string; object_type: string; object_id: string }[]> {
  if (events.length === 0) return [];
  const rows = await sql<{ connection_id: string; stripe_event_id: string; object_type: string; object_id: string }>`
    select distinct d.connection_id, d.stripe_event_id, d.object_type, d.object_id
    from domain_events d
    join unnest(${events.map((e) => e.connection_id)}::text[], ${events.map((e) => e.stripe_event_id)}::text[]) as wanted(connection_id, stripe_event_id)
      on d.connection_id = wanted.connection_id and d.stripe_event_id = wanted.stripe_event_id
    where d.tenant_id = ${tenantId}
    order by d.object_type, d.object_id`.execute(db);
  return rows.rows;
}

export async function findTenantEvent(db: Db, tenantId: string, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function listEventAttempts(db: Db, eventId: string) {
  return db.selectFrom('event_attempts').selectAll().where('event_id', '=', eventId).orderBy('attempt', 'asc').execute();
}

/** Puts events back in the queue; a replay goes through the same idempotent pipeline as a first delivery. */
export async function requeueEvents(db: Db, filter: EventFilter & { ids?: string[] }, now: Date): Promise<number> {
  const resolved = await resolveSearch(db, filter);
  let query = db
    .updateTable('events')
    .set({ status: 'received', status_reason: null, next_attempt_at: now })
    .where((eb) => eb.and(conditions(eb, resolved)))
    .where('status', '!=', 'paused');
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * How many events of the replay made at `replayedAt` still wait for a worker. requeueEvents stamps
 * each one's next_attempt_at with that instant; processing it changes its status, and a failure moves
 * next_attempt_at to its retry time, so what is left with both is what no worker has finished yet.
 * Served by the queue index (events_queue_idx), which holds only waiting events.
 */
export async function countAwaitingReplay(db: Db, tenantId: string, replayedAt: Date): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'received')
    .where('next_attempt_at', '=', replayedAt)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * How many events requeueEvents would put back in the queue for this filter now (the dashboard says
 * it before asking to confirm). Same conditions as requeueEvents: keep the two in step.
 */
export async function countRequeueable(db: Db, filter: EventFilter): Promise<number> {
  const row = await filtered(db, await resolveSearch(db, filter))
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('status', '!=', 'paused')
    .executeTakeFirstOrThrow();
  return Number(row.count);
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
