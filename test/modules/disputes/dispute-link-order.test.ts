import { beforeAll, describe, expect, it } from 'vitest';
import { replayEvents } from '../../../src/services/event-service';
import { invoiceBody, payLink, sandboxControl, settle, useConnectedWorld, useSandbox, type ConnectedWorld } from '../../invoices/support';
import { disputeEvents } from './support';

const sandbox = useSandbox();

/** Every event that tells Paybridge the invoice's payment happened (the dispute events are `charge.dispute.*`). */
const PAYMENT_EVENTS = ['charge.succeeded', 'payment_intent.*', 'checkout.session.*'];

describe('a dispute and the invoice payment it contests, processed in either order', () => {
  // Every delivery arrives twice; `hold` decides which side arrives first.
  const connected = useConnectedWorld(sandbox, { duplicate_rate: 1 });
  let c: ConnectedWorld;
  beforeAll(() => {
    c = connected();
  });

  const hold = (types: string[]) => sandboxControl(sandbox(), '/chaos', { hold: types });

  /** An invoice paid with 4000 0000 0000 0259, whose charge the cardholder disputes at once. */
  async function payDisputedInvoice() {
    const created = await c.api('POST', '/invoices', invoiceBody(c.connectionId));
    const finalized = await c.api('POST', `/invoices/${created.body.id}/finalize`);
    const session = await payLink(sandbox(), finalized.body.payment_link_id, { card: '4000000000000259' });
    await settle(c.world, sandbox());
    const [dispute] = (await c.stripe.disputes.list({ payment_intent: session.payment_intent })).data;
    expect(dispute).toBeDefined();
    return { invoiceId: created.body.id as string, disputeId: dispute!.id };
  }

  const eventsOf = (disputeId: string) => disputeEvents(c.world.h.ctx.store.db, disputeId);

  /** The stored row, not the view: GET could link it on the fly, the row must hold the link itself. */
  const storedLink = (disputeId: string) =>
    c.world.h.ctx.store.db
      .selectFrom('disputes')
      .select(['payable_type', 'payable_id', 'payment_id'])
      .where('connection_id', '=', c.connectionId)
      .where('stripe_dispute_id', '=', disputeId)
      .executeTakeFirstOrThrow();

  it('dispute first: opened without the invoice, then linked once by the payment with dispute.updated; a replay adds nothing', async () => {
    await hold(PAYMENT_EVENTS);
    const { invoiceId, disputeId } = await payDisputedInvoice();
    expect((await eventsOf(disputeId)).map((e) => [e.type, e.snapshot.invoice_id])).toEqual([['dispute.opened', null]]);
    expect(await storedLink(disputeId)).toEqual({ payable_type: null, payable_id: null, payment_id: null });

    await hold([]);
    await settle(c.world, sandbox());
    expect((await c.api('GET', `/invoices/${invoiceId}`)).body.status).toBe('paid');
    const link = await storedLink(disputeId);
    expect(link).toEqual({ payable_type: 'invoice', payable_id: invoiceId, payment_id: expect.stringMatching(/^pay_/) });
    const events = await eventsOf(disputeId);
    expect(events).toEqual([
      { type: 'dispute.opened', snapshot: expect.objectContaining({ invoice_id: null, payment_id: null }) },
      {
        type: 'dispute.updated',
        snapshot: expect.objectContaining({ status: 'needs_response', invoice_id: invoiceId, payment_id: link.payment_id }),
      },
    ]);
    expect((await c.api('GET', `/disputes/${disputeId}`)).body).toMatchObject({ invoice_id: invoiceId, payment_id: link.payment_id });

    // Every event processed again, dispute and payment alike: the dispute is linked already.
    expect(await replayEvents(c.world.h.ctx, { tenantId: c.tenantId })).toBeGreaterThan(0);
    await settle(c.world, sandbox());
    expect(await eventsOf(disputeId)).toEqual(events);
  });

  it('payment first: dispute.opened names the invoice and its payment, and no dispute.updated follows', async () => {
    await hold(['charge.dispute.*']);
    const { invoiceId, disputeId } = await payDisputedInvoice();
    expect((await c.api('GET', `/invoices/${invoiceId}`)).body.status).toBe('paid');
    expect(await eventsOf(disputeId)).toEqual([]);

    await hold([]);
    await settle(c.world, sandbox());
    const link = await storedLink(disputeId);
    expect(link).toEqual({ payable_type: 'invoice', payable_id: invoiceId, payment_id: expect.stringMatching(/^pay_/) });
    expect(await eventsOf(disputeId)).toEqual([
      { type: 'dispute.opened', snapshot: expect.objectContaining({ invoice_id: invoiceId, payment_id: link.payment_id }) },
    ]);
  });
});
