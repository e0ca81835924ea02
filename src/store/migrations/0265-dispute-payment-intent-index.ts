import type { Db } from '../database';

/**
 * Every recorded payment looks for the disputes already stored on its payment intent (a dispute can
 * be processed before the payment it contests), so that lookup must not scan a connection's disputes.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.createIndex('disputes_payment_intent').on('disputes').columns(['connection_id', 'payment_intent_id']).execute();
}
