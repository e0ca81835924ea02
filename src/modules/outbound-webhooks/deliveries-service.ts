import type { AppContext } from '../../context';
import { AppError, notFound } from '../../errors';
import { inUnitOfWork } from '../../domain/unit-of-work';
import {
  countEndpointDeliveries,
  findTenantDelivery,
  findTenantEndpoint,
  listDeliveryAttempts,
  listEndpointDeliveries,
  requeueDelivery,
} from '../../store/outbound-webhooks';
import type { WebhookDeliveryAttemptRow, WebhookDeliveryRow, WebhookDeliveryStatus } from '../../store/outbound-webhooks-schema';
import type { DeliveryView } from './endpoint-input';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function viewDelivery(row: WebhookDeliveryRow, attempts: readonly WebhookDeliveryAttemptRow[]): DeliveryView {
  const tried = row.attempts > 0 && row.status !== 'delivering';
  return {
    id: row.id,
    endpoint_id: row.endpoint_id,
    webhook_id: row.webhook_id,
    event_type: row.event_type,
    object: { type: row.object_type, id: row.object_id },
    sequence: Number(row.sequence),
    status: row.status,
    attempts: row.attempts,
    last_response: tried
      ? { status_code: row.last_status_code, response_ms: row.last_response_ms, body: row.last_response_body, error: row.last_error }
      : null,
    next_retry_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    created_at: iso(row.created_at)!,
    finished_at: iso(row.finished_at),
    attempt_log: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      started_at: iso(attempt.started_at)!,
      status_code: attempt.status_code,
      response_ms: attempt.response_ms,
      response_body: attempt.response_body,
      error: attempt.error,
    })),
  };
}

/** One page of an endpoint's delivery log, newest first, with every attempt of each delivery. */
export async function listDeliveries(
  ctx: AppContext,
  tenantId: string,
  endpointId: string,
  filter: { status?: WebhookDeliveryStatus },
  page: { limit: number; before?: { createdAt: Date; id: string } },
): Promise<WebhookDeliveryRow[]> {
  const endpoint = await findTenantEndpoint(ctx.store.db, tenantId, endpointId);
  if (!endpoint) throw notFound('webhook endpoint', endpointId);
  return listEndpointDeliveries(ctx.store.db, endpoint.id, filter, page);
}

export async function viewDeliveries(ctx: AppContext, rows: readonly WebhookDeliveryRow[]): Promise<DeliveryView[]> {
  const attempts = await listDeliveryAttempts(
    ctx.store.db,
    rows.map((row) => row.id),
  );
  return rows.map((row) =>
    viewDelivery(
      row,
      attempts.filter((attempt) => attempt.delivery_id === row.id),
    ),
  );
}

/** Deliveries per status for one endpoint (the dashboard's summary). */
export function countDeliveries(ctx: AppContext, endpointId: string): Promise<Record<string, number>> {
  return countEndpointDeliveries(ctx.store.db, endpointId);
}

export async function requireDelivery(ctx: AppContext, tenantId: string, deliveryId: string): Promise<WebhookDeliveryRow> {
  const row = await findTenantDelivery(ctx.store.db, tenantId, deliveryId);
  if (!row) throw notFound('webhook delivery', deliveryId);
  return row;
}

/**
 * Sends a finished delivery again, with the same webhook-id and body (the receiver can tell it is
 * the same event). It waits behind nothing newer: it is queued as of now, in its own order slot.
 */
export async function redeliver(ctx: AppContext, tenantId: string, deliveryId: string): Promise<DeliveryView> {
  const delivery = await requireDelivery(ctx, tenantId, deliveryId);
  const endpoint = await findTenantEndpoint(ctx.store.db, tenantId, delivery.endpoint_id);
  if (!endpoint || endpoint.status !== 'enabled')
    throw new AppError({
      code: 'endpoint_disabled',
      status: 409,
      message: 'The endpoint of this delivery is disabled. Enable it (PATCH status "enabled"), then redeliver.',
    });
  const requeued = await inUnitOfWork(ctx, async (effects) => {
    const done = await requeueDelivery(effects.trx, delivery.id, effects.now);
    if (done) effects.signal({ kind: 'payable', tenantId, payableType: 'webhook_endpoint', payableId: endpoint.id });
    return done;
  });
  if (!requeued)
    throw new AppError({
      code: 'delivery_in_progress',
      status: 409,
      message: 'This delivery is still queued or being sent; redeliver it once it has succeeded or failed.',
    });
  const [view] = await viewDeliveries(ctx, [await requireDelivery(ctx, tenantId, deliveryId)]);
  return view!;
}
