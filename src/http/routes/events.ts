import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../context';
import { notFound } from '../../errors';
import { requireConnection } from '../../connections/connection-service';
import type { EventSummary } from '../../store/events';
import { backfillConnection } from '../../webhooks/backfill';
import { pageOf, readCursor } from '../cursor';
import { newRouter } from '../router';
import { errorResponses, jsonBody, jsonResponse, listOf, paginationQuery, tenantIdParam } from '../schemas';
import {
  findEvent,
  findEventWithAttempts,
  listEventPage,
  rejectionReport,
  replayEvents,
  replayProgress,
} from '../../services/event-service';

const eventStatus = z.enum(['received', 'processed', 'ignored', 'failed', 'dead', 'paused']);

const eventView = z
  .object({
    id: z.string(),
    connection_id: z.string(),
    stripe_event_id: z.string(),
    type: z.string(),
    livemode: z.boolean(),
    status: eventStatus,
    status_reason: z.string().nullable(),
    attempts: z.number(),
    last_error: z.string().nullable(),
    source: z.string(),
    object_id: z.string().nullable(),
    stripe_created: z.number(),
    received_at: z.string(),
    processed_at: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
  })
  .openapi('Event');

const eventDetail = eventView
  .extend({
    payload: z.record(z.string(), z.unknown()),
    attempts_log: z.array(
      z.object({
        attempt: z.number(),
        outcome: z.string(),
        detail: z.string().nullable(),
        started_at: z.string(),
        finished_at: z.string(),
      }),
    ),
  })
  .openapi('EventDetail');

function toEventView(row: EventSummary) {
  return {
    id: row.id,
    connection_id: row.connection_id,
    stripe_event_id: row.stripe_event_id,
    type: row.type,
    livemode: row.livemode,
    status: row.status,
    status_reason: row.status_reason,
    attempts: row.attempts,
    last_error: row.last_error,
    source: row.source,
    object_id: row.object_id,
    stripe_created: Number(row.stripe_created),
    received_at: row.received_at.toISOString(),
    processed_at: row.processed_at ? row.processed_at.toISOString() : null,
    next_attempt_at: row.status === 'failed' ? row.next_attempt_at.toISOString() : null,
  };
}

const filterQuery = z.object({
  status: eventStatus.optional(),
  type: z.string().min(1).max(200).optional(),
  connection_id: z.string().min(1).max(100).optional(),
});
const backfillResult = z
  .object({
    connection_id: z.string(),
    since: z.number(),
    fetched: z.number(),
    stored: z.number(),
    duplicates: z.number(),
    skipped: z.number(),
    error: z.string().nullable(),
  })
  .openapi('BackfillResult');

const eventParams = tenantIdParam.extend({ event_id: z.string().openapi({ param: { name: 'event_id', in: 'path' } }) });
const base = '/api/v1/tenants/{tenant_id}/events';

const routes = {
  list: createRoute({
    method: 'get',
    path: base,
    summary: 'The webhook event log, newest first',
    request: { params: tenantIdParam, query: paginationQuery.merge(filterQuery) },
    responses: { 200: jsonResponse(listOf(eventView, 'EventList'), 'Events.'), ...errorResponses },
  }),
  get: createRoute({
    method: 'get',
    path: `${base}/{event_id}`,
    summary: 'One webhook event with its payload and processing attempts',
    request: { params: eventParams },
    responses: { 200: jsonResponse(eventDetail, 'The event with its payload and attempts.'), ...errorResponses },
  }),
  replay: createRoute({
    method: 'post',
    path: `${base}/{event_id}/replay`,
    summary: 'Process one event again (idempotent: effects already applied are not applied twice)',
    request: { params: eventParams },
    responses: { 200: jsonResponse(eventView, 'The requeued event.'), ...errorResponses },
  }),
  replayMany: createRoute({
    method: 'post',
    path: `${base}/replay`,
    summary: 'Process every event matching a filter again',
    request: {
      params: tenantIdParam,
      ...jsonBody(
        filterQuery.strict().refine((f) => Object.keys(f).length > 0, {
          message: 'name at least one filter (status, type or connection_id); replaying everything is rarely meant',
        }),
      ),
    },
    responses: {
      200: jsonResponse(
        z
          .object({
            requeued: z.number(),
            replayed_at: z
              .string()
              .openapi({ description: 'The instant of the replay: pass it, with `requeued`, to the replay progress.' }),
          })
          .openapi('ReplayResult'),
        'How many events were requeued, and when.',
      ),
      ...errorResponses,
    },
  }),
  replayProgress: createRoute({
    method: 'get',
    path: `${base}/replay-progress`,
    operationId: 'getReplayProgress',
    summary: 'How many events of a replay the workers have processed so far (poll until done equals total)',
    request: {
      params: tenantIdParam,
      query: z.object({
        replayed_at: z.iso.datetime().openapi({ description: '`replayed_at` from the replay' }),
        requeued: z.coerce.number().int().min(0).openapi({ description: '`requeued` from the replay' }),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({ replayed_at: z.string(), total: z.number(), done: z.number() }).openapi('ReplayProgress'),
        'Processed (or failed and rescheduled) events of the replay, of its total.',
      ),
      ...errorResponses,
    },
  }),
  backfill: createRoute({
    method: 'post',
    path: '/api/v1/tenants/{tenant_id}/connections/{connection_id}/backfill',
    summary: 'Fetch missed events from Stripe (last 30 days) since the newest stored one, or since `since`',
    request: {
      params: tenantIdParam.extend({ connection_id: z.string().openapi({ param: { name: 'connection_id', in: 'path' } }) }),
      body: {
        content: {
          'application/json': {
            schema: z.object({ since: z.number().int().min(0).optional().openapi({ description: 'epoch seconds' }) }).strict(),
          },
        },
        required: false,
      },
    },
    responses: { 200: jsonResponse(backfillResult, 'What the backfill fetched and stored.'), ...errorResponses },
  }),
  rejections: createRoute({
    method: 'get',
    path: '/api/v1/tenants/{tenant_id}/webhook-rejections',
    summary: 'Refused deliveries (bad signatures, wrong mode…) by connection and reason, with recent samples',
    request: { params: tenantIdParam },
    responses: {
      200: jsonResponse(
        z
          .object({
            counts: z.array(z.object({ connection_id: z.string(), reason: z.string(), count: z.number(), last_at: z.string() })),
            samples: z.array(
              z.object({
                connection_id: z.string().nullable(),
                reason: z.string(),
                detail: z.string().nullable(),
                received_at: z.string(),
              }),
            ),
          })
          .openapi('Rejections'),
        'Rejections.',
      ),
      ...errorResponses,
    },
  }),
};

export function eventRoutes(ctx: AppContext) {
  const router = newRouter();

  router.openapi(routes.list, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { limit, cursor, status, type, connection_id } = c.req.valid('query');
    const before = readCursor(cursor);
    const rows = await listEventPage(
      ctx,
      { tenantId: tenant_id, status, type, connectionId: connection_id },
      { limit: limit + 1, before: before && { receivedAt: before.at, id: before.id } },
    );
    const page = pageOf(rows, limit, (row) => ({ at: row.received_at, id: row.id }));
    return c.json({ data: page.rows.map(toEventView), next_cursor: page.nextCursor }, 200);
  });

  // Before routes.get, whose {event_id} would otherwise take "replay-progress".
  router.openapi(routes.replayProgress, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { replayed_at, requeued } = c.req.valid('query');
    const progress = await replayProgress(ctx, tenant_id, { replayedAt: new Date(replayed_at), requeued });
    return c.json({ replayed_at: progress.replayedAt.toISOString(), total: progress.total, done: progress.done }, 200);
  });

  router.openapi(routes.get, async (c) => {
    const { tenant_id, event_id } = c.req.valid('param');
    const found = await findEventWithAttempts(ctx, tenant_id, event_id);
    if (!found) throw notFound('event', event_id);
    const { event: row, attempts } = found;
    return c.json(
      {
        ...toEventView(row),
        payload: JSON.parse(row.payload) as Record<string, unknown>,
        attempts_log: attempts.map((a) => ({
          attempt: a.attempt,
          outcome: a.outcome,
          detail: a.detail,
          started_at: a.started_at.toISOString(),
          finished_at: a.finished_at.toISOString(),
        })),
      },
      200,
    );
  });

  router.openapi(routes.replay, async (c) => {
    const { tenant_id, event_id } = c.req.valid('param');
    const row = await findEvent(ctx, tenant_id, event_id);
    if (!row) throw notFound('event', event_id);
    await replayEvents(ctx, { tenantId: tenant_id, ids: [row.id] });
    const updated = (await findEvent(ctx, tenant_id, event_id))!;
    return c.json(toEventView(updated), 200);
  });

  router.openapi(routes.replayMany, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const filter = c.req.valid('json');
    const replayedAt = ctx.now();
    const requeued = await replayEvents(
      ctx,
      { tenantId: tenant_id, status: filter.status, type: filter.type, connectionId: filter.connection_id },
      replayedAt,
    );
    return c.json({ requeued, replayed_at: replayedAt.toISOString() }, 200);
  });

  router.openapi(routes.backfill, async (c) => {
    const { tenant_id, connection_id } = c.req.valid('param');
    const connection = await requireConnection(ctx, tenant_id, connection_id);
    if (connection.disconnected_at) throw notFound('connection', connection_id);
    const body = c.req.header('content-type')?.includes('json') ? c.req.valid('json') : {};
    const result = await backfillConnection(ctx, connection, { since: body?.since });
    const { connectionId, ...rest } = result;
    return c.json({ connection_id: connectionId, ...rest }, 200);
  });

  router.openapi(routes.rejections, async (c) => {
    const { tenant_id } = c.req.valid('param');
    const { counts, samples } = await rejectionReport(ctx, tenant_id);
    return c.json(
      {
        counts: counts.map((r) => ({
          connection_id: r.connection_id,
          reason: r.reason,
          count: Number(r.count),
          last_at: r.last_at.toISOString(),
        })),
        samples: samples.map((r) => ({
          connection_id: r.connection_id,
          reason: r.reason,
          detail: r.detail,
          received_at: r.received_at.toISOString(),
        })),
      },
      200,
    );
  });

  return router;
}
