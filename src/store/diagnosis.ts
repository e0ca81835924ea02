import { sql } from 'kysely';
import type { Db } from './database';

/** The reads behind "why is this invoice not paid?" (src/billing/diagnosis.ts). */

/**
 * A tenant's events received since `since` whose payload mentions `text` (an invoice id is in the
 * metadata of its link, session and payment intent), newest first. The tenant's log index bounds
 * the scan to that window, so nothing extra is indexed at receipt.
 */
export async function listEventsMentioning(db: Db, filter: { tenantId: string; since: Date; text: string; limit: number }) {
  return db
    .selectFrom('events')
    .select(['id', 'stripe_event_id', 'type', 'status', 'status_reason', 'last_error', 'attempts', 'connection_id', 'received_at'])
    .where('tenant_id', '=', filter.tenantId)
    .where('received_at', '>=', filter.since)
    .where(sql<boolean>`position(${filter.text} in payload) > 0`)
    .orderBy('received_at', 'desc')
    .limit(filter.limit)
    .execute();
}

/** Refused deliveries to a connection for the given reasons, most recent first. */
export async function listRejectionCounts(db: Db, connectionId: string, reasons: readonly string[]) {
  return db
    .selectFrom('webhook_rejection_counts')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('reason', 'in', [...reasons])
    .orderBy('last_at', 'desc')
    .execute();
}

export async function countConnectionEvents(db: Db, connectionId: string): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('connection_id', '=', connectionId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
