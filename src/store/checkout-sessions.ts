import type { Db } from './database';
import type { CheckoutSessionRow, CheckoutStatus } from './subscriptions-schema';

export async function insertCheckoutSession(db: Db, row: CheckoutSessionRow): Promise<CheckoutSessionRow> {
  return db.insertInto('checkout_sessions').values(row).returningAll().executeTakeFirstOrThrow();
}

/** The session Paybridge created for a payable, locked until commit so two events about it take turns. */
export async function lockCheckoutByPayable(db: Db, payableType: string, payableId: string): Promise<CheckoutSessionRow | undefined> {
  return db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('payable_type', '=', payableType)
    .where('payable_id', '=', payableId)
    .forUpdate()
    .executeTakeFirst();
}

export async function findCheckoutByPayable(db: Db, payableType: string, payableId: string): Promise<CheckoutSessionRow | undefined> {
  return db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('payable_type', '=', payableType)
    .where('payable_id', '=', payableId)
    .executeTakeFirst();
}

export async function findTenantCheckout(db: Db, tenantId: string, id: string): Promise<CheckoutSessionRow | undefined> {
  return db.selectFrom('checkout_sessions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function setCheckoutStatus(db: Db, id: string, status: CheckoutStatus, paidAt: Date | null = null): Promise<void> {
  await db.updateTable('checkout_sessions').set({ status, paid_at: paidAt }).where('id', '=', id).execute();
}

export async function listCustomerCheckouts(db: Db, customerId: string, limit = 50): Promise<CheckoutSessionRow[]> {
  return db
    .selectFrom('checkout_sessions')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
