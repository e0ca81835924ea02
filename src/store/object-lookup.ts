import type { Db } from './database';
import type { StripeObjectRow } from './schema';

/** The newest stored version of one Stripe object of a connection. */
export async function findStoredObject(db: Db, connectionId: string, stripeId: string): Promise<StripeObjectRow | undefined> {
  return db
    .selectFrom('stripe_objects')
    .selectAll()
    .where('connection_id', '=', connectionId)
    .where('stripe_id', '=', stripeId)
    .executeTakeFirst();
}
