import type { Effects } from '../../domain/effects';
import type { FactOf } from '../../domain/facts';
import type { FactOutcome } from '../../domain/module';

/**
 * Seconds after the tied second ends before Stripe is asked: the read must come after every change
 * made in that second (it wins the tie, object-versions.ts), with a margin for the two clocks.
 */
const READ_AFTER_TIE_SECONDS = 2;

/** The one re-read a subscription's unsettled order waits for (more ties while it is queued add nothing). */
export function rereadJobKey(subscriptionId: string): string {
  return `subscriptions.reread:${subscriptionId}`;
}

/**
 * Two versions of the subscription could not be ordered (issue 15: past_due then active in one
 * second). Rather than keep a guess, queue a read of the subscription from Stripe, whose answer
 * becomes its newest version (reread-service.ts); until then the state is the provisional one.
 */
export async function scheduleSubscriptionReread(effects: Effects, fact: FactOf<'subscription.order_unsettled'>): Promise<FactOutcome> {
  const queued = await effects.enqueue(
    'subscriptions.reread',
    { subscription_id: fact.payable.id },
    { runAt: new Date((fact.created + READ_AFTER_TIE_SECONDS) * 1000), dedupeKey: rereadJobKey(fact.payable.id) },
  );
  return {
    status: 'processed',
    note:
      `${fact.eventIds.join(' and ')} changed ${fact.subscriptionId} in the same second and cannot be ordered; ` +
      `${queued ? 'reading it from Stripe' : 'a read from Stripe is already queued'}`,
  };
}
