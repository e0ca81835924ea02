import { newId } from '../ids';
import type { Db } from './database';
import type { Insertable, Updateable } from 'kysely';
import type { SubscriptionPaymentRow, SubscriptionRow, SubscriptionsTable } from './subscriptions-schema';

type Page = { limit: number; before?: { createdAt: Date; id: string } };

/**
 * Creates the subscription row unless it exists, then locks it until commit. Both events of one
 * purchase (checkout.session.completed, customer.subscription.created) carry the same Paybridge id,
 * so whichever comes first creates the row and the other finds it: one subscription, never two.
 */
export async function ensureSubscriptionLocked(
  db: Db,
  initial: Insertable<SubscriptionsTable> & { id: string },
): Promise<{ row: SubscriptionRow; created: boolean }> {
  const inserted = await db
    .insertInto('subscriptions')
    .values(initial)
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  const row = await db.selectFrom('subscriptions').selectAll().where('id', '=', initial.id).forUpdate().executeTakeFirstOrThrow();
  return { row, created: inserted !== undefined };
}

export async function lockSubscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateSubscription(db: Db, id: string, changes: Updateable<SubscriptionsTable>): Promise<SubscriptionRow> {
  return db.updateTable('subscriptions').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function findTenantSubscription(db: Db, tenantId: string, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listTenantSubscriptions(
  db: Db,
  filter: { tenantId: string; customerId?: string; status?: string },
  page: Page,
): Promise<SubscriptionRow[]> {
  let query = db.selectFrom('subscriptions').selectAll().where('tenant_id', '=', filter.tenantId);
  if (filter.customerId) query = query.where('customer_id', '=', filter.customerId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (page.before) {
    const { createdAt, id } = page.before;
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
}

export async function listPlanSubscriptions(db: Db, planId: string): Promise<SubscriptionRow[]> {
  return db.selectFrom('subscriptions').selectAll().where('plan_id', '=', planId).execute();
}

/** Records a payment outcome once per (invoice, outcome, attempt); undefined when already recorded. */
export async function insertSubscriptionPaymentOnce(
  db: Db,
  values: Omit<SubscriptionPaymentRow, 'id' | 'amount'> & { amount: number },
): Promise<SubscriptionPaymentRow | undefined> {
  return db
    .insertInto('subscription_payments')
    .values({ id: newId('subscriptionPayment'), ...values })
    .onConflict((oc) => oc.columns(['stripe_invoice_id', 'outcome', 'attempt']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function listSubscriptionPayments(db: Db, subscriptionId: string): Promise<SubscriptionPaymentRow[]> {
  return db.selectFrom('subscription_payments').selectAll().where('subscription_id', '=', subscriptionId).orderBy('at').execute();
}

/** The subscription's domain events (created, updated, renewals, canceled), oldest first: its timeline. */
export async function listSubscriptionTimeline(db: Db, subscriptionId: string) {
  return db
    .selectFrom('domain_events')
    .select(['type', 'stripe_event_id', 'created_at', 'snapshot'])
    .where('object_type', '=', 'subscription')
    .where('object_id', '=', subscriptionId)
    .orderBy('sequence')
    .limit(500)
    .execute();
}
