import { Hono } from 'hono';
import type { AppContext } from '../src/context';
import { AppError, notFound } from '../src/errors';
import { pageOf, readCursor } from '../src/http/cursor';
import { listConnections } from '../src/connections/connection-service';
import type { EventFilter } from '../src/store/events';
import type { EventStatus, Tenant } from '../src/store/schema';
import type { Principal } from '../src/auth/principal';
import type { Html } from './layout';
import { EVENT_STATUSES } from './pages/integrations';
import { eventDetailPage, eventsPage, rejectionsPage, type EventFilterValues } from './pages/events';
import type { DashContext, DashboardEnv } from './session';
import {
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

/** Filters from the query (GET) or the form (replay of a filtered set); unknown values are dropped, never echoed as-is. */
function readFilter(source: (name: string) => string | undefined): EventFilterValues {
  const status = source('status');
  const type = source('type')?.trim();
  const connectionId = source('connection_id');
  return {
    status: status && (EVENT_STATUSES as readonly string[]).includes(status) ? (status as EventStatus) : undefined,
    type: type && /^[a-z_.]{1,120}$/.test(type) ? type : undefined,
    connectionId: connectionId && /^conn_[0-9A-Za-z]{1,40}$/.test(connectionId) ? connectionId : undefined,
  };
}

function storeFilter(tenantId: string, filter: EventFilterValues): EventFilter {
  return { tenantId, status: filter.status, type: filter.type, connectionId: filter.connectionId };
}

export function eventRoutes(ctx: AppContext, helpers: Helpers): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>();
  const base = '/dashboard/tenants/:tid/events';

  app.get(base, async (c) => {
    const tenant = c.get('tenant');
    const filter = readFilter((name) => c.req.query(name));
    const cursor = c.req.query('cursor');
    const before = readCursor(cursor);
    const rows = await listEventPage(ctx, storeFilter(tenant.id, filter), {
      limit: PAGE_SIZE + 1,
      before: before && { receivedAt: before.at, id: before.id },
    });
    const { rows: page, nextCursor } = pageOf(rows, PAGE_SIZE, (row) => ({ at: row.received_at, id: row.id }));
    const connections = await listConnections(ctx, tenant.id, { includeDisconnected: true });
    const replayed = Number.parseInt(c.req.query('replayed') ?? '', 10);
    return helpers.render(
      c,
      eventsPage({
        ...helpers.shared(c),
        filter,
        events: page,
        connections,
        nextCursor,
        firstPage: !cursor,
        notice: Number.isFinite(replayed)
          ? { kind: 'ok', text: `${replayed} event${replayed === 1 ? '' : 's'} queued for processing again.` }
          : undefined,
      }),
    );
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
    if (!filter.status && !filter.type && !filter.connectionId) {
      throw new AppError({
        code: 'filter_required',
        status: 422,
        message: 'Filter the log by status, type or connection before replaying several events; replaying everything is rarely meant.',
      });
    }
    const params: Record<string, string> = {};
    if (filter.status) params.status = filter.status;
    if (filter.type) params.type = filter.type;
    if (filter.connectionId) params.connection_id = filter.connectionId;
    // The first POST only counts and asks; the confirmation page posts again with confirm=yes.
    if (body.confirm !== 'yes') {
      const count = await countReplayable(ctx, storeFilter(tenant.id, filter));
      const labels = Object.entries(params).map(([name, value]) => `${name.replace('_id', '')} ${value}`);
      return helpers.render(c, replayConfirmPage({ ...helpers.shared(c), count, params, labels }));
    }
    const count = await replayEvents(ctx, storeFilter(tenant.id, filter));
    const query = new URLSearchParams(params);
    query.set('replayed', String(count));
    return c.redirect(`/dashboard/tenants/${tenant.id}/events?${query.toString()}`, 303);
  });

  app.get(`${base}/:eid`, async (c) => {
    const tenant = c.get('tenant');
    const found = await findEventWithAttempts(ctx, tenant.id, c.req.param('eid'));
    if (!found) throw notFound('event', c.req.param('eid'));
    const { event, attempts } = found;
    const connections = await listConnections(ctx, tenant.id, { includeDisconnected: true });
    const done = c.req.query('done') === 'replayed';
    return helpers.render(
      c,
      eventDetailPage({
        ...helpers.shared(c),
        event,
        attempts,
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
