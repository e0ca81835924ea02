import type { Db } from './database';
import type { StripeObjectRow } from './schema';
import { isNewerVersion, type ObjectVersion } from '../webhooks/object-versions';

export type ApplyOutcome = 'created' | 'updated' | 'same_version' | 'superseded';

export interface AppliedObject {
  outcome: ApplyOutcome;
  /** The newest stored version after this call (the incoming one unless it was superseded). */
  current: StripeObjectRow;
}

/**
 * Writes an object version only if it is newer than what is stored (see object-versions.ts). Must
 * run inside the processing transaction: the row lock serialises two workers on one object.
 */
export async function applyObjectVersion(
  trx: Db,
  values: { connectionId: string; stripeId: string; objectType: string; version: ObjectVersion },
): Promise<AppliedObject> {
  const { version } = values;
  const row = {
    connection_id: values.connectionId,
    stripe_id: values.stripeId,
    object_type: values.objectType,
    data: JSON.stringify(version.object),
    status: typeof version.object.status === 'string' ? version.object.status : null,
    deleted: version.deleted,
    version_created: version.created,
    version_event_id: version.eventId,
    version_previous: JSON.stringify(version.previous),
    updated_at: new Date(),
  };
  const inserted = await trx
    .insertInto('stripe_objects')
    .values(row)
    .onConflict((oc) => oc.columns(['connection_id', 'stripe_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { outcome: 'created', current: inserted };

  const stored = await trx
    .selectFrom('stripe_objects')
    .selectAll()
    .where('connection_id', '=', values.connectionId)
    .where('stripe_id', '=', values.stripeId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (stored.version_event_id === version.eventId) return { outcome: 'same_version', current: stored };
  const storedVersion: ObjectVersion = {
    created: Number(stored.version_created),
    eventId: stored.version_event_id,
    object: stored.data,
    previous: stored.version_previous,
    deleted: stored.deleted,
  };
  if (!isNewerVersion(version, storedVersion)) return { outcome: 'superseded', current: stored };
  const updated = await trx
    .updateTable('stripe_objects')
    .set(row)
    .where('connection_id', '=', values.connectionId)
    .where('stripe_id', '=', values.stripeId)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { outcome: 'updated', current: updated };
}
