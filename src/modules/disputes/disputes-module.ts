import type { BusinessModule } from '../../domain/module';
import { lockDispute, lockDisputeLink, saveDispute } from '../../store/disputes';
import { linkChanged, recordDisputeEvent } from './dispute-events';
import { findDisputedPayable } from './disputed-payable';
import { linkDisputesOnPayment } from './link-disputes-on-payment';

const CLOSED = ['won', 'lost', 'warning_closed'];
const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const idOf = (value: unknown): string | null =>
  text(value) ?? (value && typeof value === 'object' ? text((value as { id?: unknown }).id) : null);

/**
 * Disputes of the connected account (SPEC C8), tracked from the dispute object's newest status: the
 * event that told us (`funds_reinstated` among them) never decides the outcome. Each dispute is
 * linked to the payable and payment it contests, found from either side: the dispute looks for a
 * recorded payment, and a payment recorded later links the disputes already stored (`follows`).
 * Domain events fire on transitions of the stored row — first seen (`dispute.opened`), status or
 * link changed (`dispute.updated`), closed (`dispute.closed` with its outcome) — so duplicates
 * record nothing twice. `dispute.opened` does not wait for the payment: its evidence deadline runs
 * from the start, and a payment that never comes (invoicing off, another tenant's) would hold it forever.
 */
export const disputesModule: BusinessModule = {
  name: 'disputes',
  feature: 'disputes',
  payableTypes: [],
  describes: 'tracking disputes',
  handles: {
    'dispute.changed': async (effects, fact) => {
      const cause = effects.cause!;
      const dispute = fact.object;
      const paymentIntentId = idOf(dispute.payment_intent);
      // Before the row lock, in the order the payment side takes them (link-disputes-on-payment.ts).
      if (paymentIntentId) await lockDisputeLink(effects.trx, cause.connectionId, paymentIntentId);
      const existing = await lockDispute(effects.trx, cause.connectionId, fact.disputeId);
      const linked = await findDisputedPayable(effects.trx, cause, { paymentIntentId, chargeId: idOf(dispute.charge) });
      const status = fact.status;
      const isOpen = !CLOSED.includes(status);
      const dueBy = (dispute.evidence_details as { due_by?: unknown } | undefined)?.due_by;
      const row = await saveDispute(effects.trx, {
        id: fact.disputeId,
        tenant_id: cause.tenantId,
        connection_id: cause.connectionId,
        stripe_dispute_id: fact.disputeId,
        charge_id: idOf(dispute.charge),
        payment_intent_id: paymentIntentId,
        payable_type: linked?.payable.type ?? existing?.payable_type ?? null,
        payable_id: linked?.payable.id ?? existing?.payable_id ?? null,
        payment_id: linked?.paymentId ?? existing?.payment_id ?? null,
        amount: Number(dispute.amount ?? 0),
        currency: String(dispute.currency ?? '').toUpperCase(),
        reason: text(dispute.reason),
        status,
        is_open: isOpen,
        due_by: typeof dueBy === 'number' ? new Date(dueBy * 1000) : null,
        opened_at: typeof dispute.created === 'number' ? new Date(dispute.created * 1000) : effects.now,
        closed_at: isOpen ? null : (existing?.closed_at ?? effects.now),
        updated_at: effects.now,
      });
      const closes = !isOpen && (!existing || existing.is_open);
      if (!existing) recordDisputeEvent(effects, 'dispute.opened', row);
      // A link found later (the payment's objects stored meanwhile) is news too; a closing event's
      // snapshot carries it already.
      else if (!closes && ((isOpen && existing.status !== status) || linkChanged(existing, row)))
        recordDisputeEvent(effects, 'dispute.updated', row);
      if (closes) recordDisputeEvent(effects, 'dispute.closed', row);
      return { status: 'processed', note: `dispute ${row.id} ${status}${linked ? ` on ${linked.payable.type} ${linked.payable.id}` : ''}` };
    },
  },
  follows: {
    'payment.succeeded': linkDisputesOnPayment,
  },
};
