import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * A dispute can be processed before the payment it contests, so every recorded payment looks for
 * the disputes already stored on its payment intent. Both sides serialise on one transaction-scoped
 * advisory lock per (connection, payment intent) — class 0x50424450, "PBDP" — so that whichever runs
 * second sees the other's committed rows. The payment side runs on every payment: the lock and the
 * lookup are one function, so they cost one round trip, and the function is VOLATILE because only
 * then does its second statement take a snapshot after the lock was granted (PostgreSQL's rule for
 * functions under READ COMMITTED). The index keeps the lookup off the connection's other disputes.
 */
export async function up(db: Db): Promise<void> {
  await db.schema.createIndex('disputes_payment_intent').on('disputes').columns(['connection_id', 'payment_intent_id']).execute();
  await sql`
    create function lock_dispute_link(p_connection_id text, p_payment_intent_id text) returns void
    language sql volatile as $$
      select pg_advisory_xact_lock(1346520144, hashtext(p_connection_id || '/' || p_payment_intent_id))
    $$`.execute(db);
  await sql`
    create function lock_disputes_on_payment_intent(p_connection_id text, p_payment_intent_id text) returns setof disputes
    language sql volatile as $$
      select lock_dispute_link(p_connection_id, p_payment_intent_id);
      select * from disputes
        where connection_id = p_connection_id and payment_intent_id = p_payment_intent_id
        order by id
        for update
    $$`.execute(db);
}
