import type { Db } from '../../../src/store/database';

/** What the tests read from a dispute domain event's snapshot. */
export interface DisputeSnapshot {
  status: string;
  outcome: string | null;
  invoice_id: string | null;
  payment_id: string | null;
}

/** A dispute's domain events, oldest first: what the platform received about it. */
export async function disputeEvents(db: Db, disputeId: string): Promise<Array<{ type: string; snapshot: DisputeSnapshot }>> {
  const rows = await db
    .selectFrom('domain_events')
    .select(['type', 'snapshot'])
    .where('object_type', '=', 'dispute')
    .where('object_id', '=', disputeId)
    .orderBy('sequence')
    .execute();
  return rows.map((row) => ({ type: row.type, snapshot: row.snapshot as DisputeSnapshot }));
}
