import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { Effects } from '../../../src/domain/effects';
import type { Fact } from '../../../src/domain/facts';
import { buildModuleRegistry } from '../../../src/modules';
import { describeEachStore, type TestHarness } from '../../support/test-context';
import { openInvoice } from '../../support/open-invoice';
import { insertTestConnection } from '../../support/test-connections';

const FEATURES = ['payments', 'invoicing', 'disputes'];

/**
 * Resolves once a session of this database waits for a lock: the payment side, queued behind the
 * uncommitted dispute side (on the link lock, or without it on the domain event sequence at flush).
 */
async function someoneWaitsForALock(h: TestHarness): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ waiting: number }>`
      select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(
      h.ctx.store.db,
    );
    if (rows[0]!.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describeEachStore('a dispute and its payment processed at the same time by two transactions', (h) => {
  it('the payment waits for the uncommitted dispute, then links it and emits dispute.updated', async () => {
    const { connection, tenantId } = await insertTestConnection(h(), { features: FEATURES as never });
    const invoiceId = await openInvoice(h(), tenantId, connection.id);
    const modules = buildModuleRegistry();
    const db = h().ctx.store.db;
    const unitOfWork = (stripeEventId: string) => (trx: typeof db) =>
      Effects.begin(trx, new Date(), { cause: { stripeEventId, connectionId: connection.id, tenantId } });
    const disputed: Fact = {
      kind: 'dispute.changed',
      payable: undefined,
      disputeId: 'dp_race',
      status: 'needs_response',
      object: {
        id: 'dp_race',
        object: 'dispute',
        charge: 'ch_race',
        payment_intent: 'pi_race',
        amount: 2000,
        currency: 'usd',
        status: 'needs_response',
        created: 1_700_000_000,
      },
    };
    const paid: Fact = {
      kind: 'payment.succeeded',
      payable: { type: 'invoice', id: invoiceId },
      providerPaymentId: 'pi_race',
      checkoutSessionId: null,
      amount: 2000,
      currency: 'USD',
      paidAt: new Date(),
      object: { id: 'pi_race', object: 'payment_intent' },
    };

    // The dispute side finds no payment and stays uncommitted until the payment side is queued behind it.
    let commitDispute!: () => void;
    let disputeProcessed!: () => void;
    const processed = new Promise<void>((resolve) => (disputeProcessed = resolve));
    const disputeSide = db.transaction().execute(async (trx) => {
      const effects = unitOfWork('evt_dispute')(trx);
      expect(await modules.route(effects, disputed, FEATURES)).toMatchObject({ status: 'processed' });
      await effects.flush();
      disputeProcessed();
      await new Promise<void>((resolve) => (commitDispute = resolve));
    });
    await processed;
    const paymentSide = db.transaction().execute(async (trx) => {
      const effects = unitOfWork('evt_payment')(trx);
      const outcome = await modules.route(effects, paid, FEATURES);
      await effects.flush();
      return outcome;
    });
    await Promise.race([someoneWaitsForALock(h()), paymentSide]);
    commitDispute();
    await disputeSide;
    expect(await paymentSide).toMatchObject({
      status: 'processed',
      note: expect.stringContaining(`dispute dp_race linked to invoice ${invoiceId}`),
    });

    const row = await db.selectFrom('disputes').selectAll().where('id', '=', 'dp_race').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ payable_type: 'invoice', payable_id: invoiceId, payment_id: expect.stringMatching(/^pay_/) });
    const events = await db
      .selectFrom('domain_events')
      .select(['type', 'snapshot'])
      .where('object_id', '=', 'dp_race')
      .orderBy('sequence')
      .execute();
    expect(events).toEqual([
      { type: 'dispute.opened', snapshot: expect.objectContaining({ invoice_id: null }) },
      { type: 'dispute.updated', snapshot: expect.objectContaining({ invoice_id: invoiceId, payment_id: row.payment_id }) },
    ]);
  });
});
