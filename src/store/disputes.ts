import { sql } from 'kysely';
import type { Db } from './database';
import type { DisputeRow, NewDispute } from './disputes-schema';

export async function lockDispute(db: Db, connectionId: string, stripeDisputeId: string): Promise<DisputeRow | undefined> {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('stripe_dispute_id', '=', stripeDisputeId)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Serialises, until commit, the two sides that link a dispute to the payment it contests: the
 * dispute event (which looks for the payment) and the payment (which looks for disputes). Whichever
 * takes it second sees the other's committed rows, so a dispute and its payment processed at once
 * by two transactions still end linked. Take it before locking any dispute row. (Migration 0265.)
 */
export async function lockDisputeLink(db: Db, connectionId: string, paymentIntentId: string): Promise<void> {
  await sql`select lock_dispute_link(${connectionId}, ${paymentIntentId})`.execute(db);
}

/**
 * Takes the same link lock, then reads the tenant's disputes on one payment intent of the connection,
 * locked until commit: one round trip, since every recorded payment asks (migration 0265).
 */
export async function lockDisputesOnPaymentIntent(
  db: Db,
  owner: { tenantId: string; connectionId: string },
  paymentIntentId: string,
): Promise<DisputeRow[]> {
  const { rows } = await sql<DisputeRow>`
    select * from lock_disputes_on_payment_intent(${owner.connectionId}, ${paymentIntentId}) where tenant_id = ${owner.tenantId}`.execute(
    db,
  );
  return rows;
}

/** Stores which payable (and invoice payment) a dispute contests. */
export async function linkDispute(
  db: Db,
  dispute: { connectionId: string; stripeDisputeId: string },
  link: Pick<NewDispute, 'payable_type' | 'payable_id' | 'payment_id' | 'updated_at'>,
): Promise<DisputeRow> {
  return db
    .updateTable('disputes')
    .set(link)
    .where('connection_id', '=', dispute.connectionId)
    .where('stripe_dispute_id', '=', dispute.stripeDisputeId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function saveDispute(db: Db, values: NewDispute): Promise<DisputeRow> {
  const { id: _id, tenant_id: _tenant, connection_id: _connection, stripe_dispute_id: _stripe, opened_at: _opened, ...changes } = values;
  return db
    .insertInto('disputes')
    .values(values)
    .onConflict((oc) => oc.columns(['connection_id', 'stripe_dispute_id']).doUpdateSet(changes))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findTenantDispute(db: Db, tenantId: string, id: string): Promise<DisputeRow | undefined> {
  return db.selectFrom('disputes').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** A tenant's disputes, newest first, by keyset on (opened_at, id). */
export async function listTenantDisputes(
  db: Db,
  filter: { tenantId: string; status?: string; open?: boolean },
  page: { limit: number; before?: { openedAt: Date; id: string } },
): Promise<DisputeRow[]> {
  let query = db.selectFrom('disputes').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.open !== undefined) query = query.where('is_open', '=', filter.open);
  if (page.before) {
    const { openedAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('opened_at', '<', openedAt), eb.and([eb('opened_at', '=', openedAt), eb('id', '<', id)])]));
  }
  return query.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

/** Open disputes, the evidence due soonest first (those without a due date last). */
export async function listOpenDisputesByUrgency(db: Db, tenantId: string, limit: number): Promise<DisputeRow[]> {
  return db
    .selectFrom('disputes')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('is_open', '=', true)
    .orderBy('due_by', (ob) => ob.asc().nullsLast())
    .orderBy('id')
    .limit(limit)
    .execute();
}
