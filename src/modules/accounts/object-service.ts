import { requireConnection } from '../../connections/connection-service';
import type { AppContext } from '../../context';
import { notFound } from '../../errors';
import { summarizeObject } from '../../handlers/object-summary';
import { findStoredObject } from '../../store/object-lookup';

export interface StoredObjectView {
  id: string;
  object_type: string;
  summary: string;
  deleted: boolean;
  /** The Stripe event whose version this is. */
  version_event_id: string;
  updated_at: string;
  data: Record<string, unknown>;
}

/** Any object the connection's events stored (issuing cards, cardholders, payment methods…), newest version. */
export async function lookUpStoredObject(
  ctx: AppContext,
  tenantId: string,
  connectionId: string,
  stripeId: string,
): Promise<StoredObjectView> {
  await requireConnection(ctx, tenantId, connectionId);
  const row = await findStoredObject(ctx.store.db, connectionId, stripeId);
  if (!row) throw notFound('stored Stripe object', stripeId);
  return {
    id: row.stripe_id,
    object_type: row.object_type,
    summary: summarizeObject(row.data),
    deleted: row.deleted,
    version_event_id: row.version_event_id,
    updated_at: new Date(row.updated_at).toISOString(),
    data: row.data,
  };
}
