import type { Effects } from '../../domain/effects';
import type { DisputeRow } from '../../store/disputes-schema';
import { toDisputeView } from './dispute-view';

/** The domain events disputes emit; outbound webhooks send these names. */
export type DisputeEventType = 'dispute.opened' | 'dispute.updated' | 'dispute.closed';

/** Records a dispute domain event whose snapshot is the dispute as the API shows it after the change. */
export function recordDisputeEvent(effects: Effects, type: DisputeEventType, dispute: DisputeRow): void {
  effects.recordDomainEvent({
    tenantId: dispute.tenant_id,
    type,
    object: { type: 'dispute', id: dispute.id },
    snapshot: toDisputeView(dispute),
    connectionId: dispute.connection_id,
  });
}

/** Whether the payable or payment a dispute names changed: the platform's last snapshot is then out of date. */
export function linkChanged(before: DisputeRow, after: DisputeRow): boolean {
  return before.payable_type !== after.payable_type || before.payable_id !== after.payable_id || before.payment_id !== after.payment_id;
}
