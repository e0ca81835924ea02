import type { Effects } from '../../domain/effects';
import type { SubscriptionRow } from '../../store/subscriptions-schema';
import { toSubscriptionView } from './subscription-view';

/** Records `subscription.<what>` with the subscription as it is now. */
export function recordSubscriptionEvent(effects: Effects, type: string, sub: SubscriptionRow, extra: Record<string, unknown> = {}): void {
  effects.recordDomainEvent({
    tenantId: sub.tenant_id,
    type,
    object: { type: 'subscription', id: sub.id },
    snapshot: { ...toSubscriptionView(sub), ...extra },
    connectionId: sub.connection_id,
  });
}
