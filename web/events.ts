import { Hono } from 'hono';
import type { AppContext } from '../src/context';
import { AppError, notFound } from '../src/errors';
import { listConnections } from '../src/connections/connection-service';
import type { EventFilter } from '../src/store/events';
import type { ConnectionRow, EventStatus, Tenant } from '../src/store/schema';
import type { Principal } from '../src/auth/principal';
import type { Html } from './layout';
import { EVENT_STATUSES } from './pages/integrations';
import {
  eventDetailPage,
  eventResults,
  eventsPage,
  filterParams,
  isFiltered,
  rejectionsPage,
  type EventFilterValues,
} from './pages/events';
import { readDateRange, readPosition, twoWayPage } from './list-query';
import type { DashContext, DashboardEnv } from './session';
import {
  changedObjectsOf,
  countMatchingEvents,
  eventCountsByStatus,
  findEvent,
  findEventWithAttempts,
  listEventPage,
  countReplayable,
  rejectionReport,
  replayEvents,
} from '../src/services/event-service';
import { replayConfirmPage } from './pages/replay-confirm';

const PAGE_SIZE = 50;

export async function eventCountsFor(ctx: AppContext, connectionId: string): Promise<Record<string, number>> {
  return eventCountsByStatus(ctx, connectionId);
}

interface Helpers {
  render: (c: DashContext, page: Html, status?: 200 | 422) => Response | Promise<Response>;
  shared: (c: DashContext) => { principal: Principal; csrf: string; tenant: Tenant };
}

/** Which Paybridge object an id typed into the search box names, so events that changed it are found too. */
const CHANGED_OBJECT_TYPES: [RegExp, string][] = [
  [/^inv_/, 'invoice'],
  [/^psub_/, 'subscription'],
  [/^preq_/, 'payment_request'],
  [/^cust_/, 'customer'],
];

/** Filters from the query (GET) or the form (replay of a filtered set); unknown values are dropped, never echoed as-is. */
function readFilter(source: (name: string) => string | undefined): EventFilterValues {
  const status = source('status');
  const type = source('type')?.trim();
  const connectionId = source('connection_id');
  const q = source('q')?.trim();
  const range = readDateRange(source('from'), source('to'));
  const badSearch = q && !/^[A-Za-z0-9_.-]{1,200}$/.test(q);
  return {
    status: status && (EVENT_STATUSES as readonly string[]).includes(status) ? (status as EventStatus) : undefined,
    type: type && /^[a-z_.]{1,120}$/.test(type) ? type : undefined,
    connectionId: connectionId && /^conn_[0-9A-Za-z]{1,40}$/.test(connectionId) ? connectionId : undefined,
    q: q && !badSearch ? q : undefined,
    from: range.from,
    to: range.to,
    range,
    error: badSearch
      ? 'Search takes one id (ev_…, evt_…, an object id such as pi_… or cus_…, or inv_…, psub_…, preq_…, cust_…). The list below ignores it.'
      : range.error,
  };
}

function storeFilter(tenantId: string, filter: EventFilterValues, connections: readonly ConnectionRow[]): EventFilter {
  return {
    tenantId,
    status: filter.status,
    typePrefix: filter.type,
    connectionId: filter.connectionId,
    receivedFrom: filter.range.start,
    receivedBefore: filter.range.end,
    search: filter.q
      ? {
          term: filter.q,
          connectionIds: connections.map((connection) => connection.id),
          changedObjectType: CHANGED_OBJECT_TYPES.find(([pattern]) => pattern.test(filter.q!))?.[1],
        }
      : undefined,
  };
}

export function eventRoutes(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const base = '/dashboard/tenants/:tid/events';

  /** One page of results (count, rows with what each changed, links); the page and the live fragment share it. */
  const results = async (c: DashContext) => {
    const tenant = c.get('tenant');
    const filter = readFilter((name) => c.req.query(name));
    const connections = await listConnections(ctx, tenant.id, { includeDisconnected: true });
    const where = storeFilter(tenant.id, filter, connections);
    const position = readPosition((name) => c.req.query(name));
    const [rows, total] = await Promise.all([
      listEventPage(ctx, where, {
        limit: PAGE_SIZE + 1,
        before: position.older && { receivedAt: position.older.at, id: position.older.id },
        after: position.newer && { receivedAt: position.newer.at, id: position.newer.id },
      }),
      countMatchingEvents(ctx, where),
    ]);
    const page = twoWayPage(rows, PAGE_SIZE, position.newer ? 'newer' : 'older', position.paged, (row) => ({
      at: row.received_at,
      id: row.id,
    }));
    const changed = await changedObjectsOf(ctx, tenant.id, page.rows);
    return { filter, connections, page, total, changed, paged: position.paged };
  };

  app.get(base, async (c) => {
    const found = await results(c);
    const replayed = Number.parseInt(c.req.query('replayed') ?? '', 10);
    return helpers.render(
      c,
      eventsPage({
        ...helpers.shared(c),
        ...found,
        notice: found.filter.error
          ? { kind: 'error', text: found.filter.error }
          : Number.isFinite(replayed)
            ? { kind: 'ok', text: `${replayed} event${replayed === 1 ? '' : 's'} queued for processing again.` }
            : undefined,
      }),
    );
  });

  // The live log: the first page's results as an HTML fragment, polled by app.js (same origin, so the CSP allows it).
  app.get(`${base}/live`, async (c) => {
    const found = await results(c);
    c.header('Cache-Control', 'no-store');
    return c.json({ html: String(await eventResults({ tenant: c.get('tenant'), ...found })), newest: found.page.rows[0]?.id ?? null });
  });

  app.get(`${base}/rejected`, async (c) => {
    const tenant = c.get('tenant');
    const [connections, { counts, samples }] = await Promise.all([
      listConnections(ctx, tenant.id, { includeDisconnected: true }),
      rejectionReport(ctx, tenant.id),
    ]);
    return helpers.render(c, rejectionsPage({ ...helpers.shared(c), connections, counts, samples }));
  });

  app.post(`${base}/replay`, async (c) => {
    const tenant = c.get('tenant');
    const body = await c.req.parseBody();
    const filter = readFilter((name) => (typeof body[name] === 'string' ? (body[name] as string) : undefined));
    if (!isFiltered(filter)) {
      throw new AppError({
        code: 'filter_required',
        status: 422,
        message: 'Filter the log by status, type or connection before replaying several events; replaying everything is rarely meant.',
      });
    }
    const connections = await listConnections(ctx, tenant.id, { includeDisconnected: true });
    const where = storeFilter(tenant.id, filter, connections);
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(filterParams(filter))) if (value) params[name] = value;
    // The first POST only counts and asks; the confirmation page posts again with confirm=yes.
    if (body.confirm !== 'yes') {
      const count = await countReplayable(ctx, where);
      const labels = Object.entries(params).map(([name, value]) => `${name.replace('_id', '')} ${value}`);
      return helpers.render(c, replayConfirmPage({ ...helpers.shared(c), count, params, labels }));
    }
    const count = await replayEvents(ctx, where);
    const query = new URLSearchParams(params);
    query.set('replayed', String(count));
    return c.redirect(`/dashboard/tenants/${tenant.id}/events?${query.toString()}`, 303);
  });

  app.get(`${base}/:eid`, async (c) => {
    const tenant = c.get('tenant');
    const found = await findEventWithAttempts(ctx, tenant.id, c.req.param('eid'));
    if (!found) throw notFound('event', c.req.param('eid'));
    const { event, attempts } = found;
    const [connections, changed] = await Promise.all([
      listConnections(ctx, tenant.id, { includeDisconnected: true }),
      changedObjectsOf(ctx, tenant.id, [event]),
    ]);
    const done = c.req.query('done') === 'replayed';
    return helpers.render(
      c,
      eventDetailPage({
        ...helpers.shared(c),
        event,
        attempts,
        changed: changed.get(`${event.connection_id}/${event.stripe_event_id}`) ?? [],
        connection: connections.find((connection) => connection.id === event.connection_id),
        notice: done ? { kind: 'ok', text: 'Queued for processing again.' } : undefined,
      }),
    );
  });

  app.post(`${base}/:eid/replay`, async (c) => {
    const tenant = c.get('tenant');
    const event = await findEvent(ctx, tenant.id, c.req.param('eid'));
    if (!event) throw notFound('event', c.req.param('eid'));
    await replayEvents(ctx, { tenantId: tenant.id, ids: [event.id] });
    return c.redirect(`/dashboard/tenants/${tenant.id}/events/${event.id}?done=replayed`, 303);
  });

  return app;
}
