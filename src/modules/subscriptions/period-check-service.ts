import type { AppContext } from '../../context';
import { stripeFor } from '../../billing/payment-link';
import { findConnection } from '../../store/connections';
import { findSubscription } from '../../store/subscriptions';
import { fromStripeError } from '../../stripe/stripe-errors';
import { backfillConnection } from '../../webhooks/backfill';
import { mirroredFields } from './stripe-subscription';

/** How far before the stored version the catch-up backfill starts, so events of the same second are fetched too. */
const CATCH_UP_OVERLAP_SECONDS = 60;

export type PeriodCheckResult = 'moved_on' | 'ended' | 'in_step' | 'caught_up';

/**
 * The sweep for a period that ended (a job queued per period for its end + 5 minutes, so it runs
 * within minutes on whichever worker is free, survives restarts, and scans nothing). When no event
 * has moved the subscription on, it re-reads the subscription from Stripe; if Stripe's state differs
 * (a renewal, a cancel, a failed payment whose webhook was lost), it pulls the missed events through
 * the backfill, so they pass the same version ordering, handlers and modules as a delivery would —
 * a lost event neither keeps nor cuts access for long, and nothing bypasses "newest version wins".
 */
export async function checkSubscriptionPeriod(
  ctx: AppContext,
  payload: { subscription_id: string; period_end: string },
): Promise<PeriodCheckResult> {
  const sub = await findSubscription(ctx.store.db, payload.subscription_id);
  if (!sub || !sub.stripe_subscription_id) return 'ended';
  if (sub.current_period_end && new Date(sub.current_period_end) > new Date(payload.period_end)) return 'moved_on';
  if (['canceled', 'incomplete_expired'].includes(sub.status)) return 'ended';
  const connection = await findConnection(ctx.store.db, sub.connection_id);
  if (!connection || connection.disconnected_at) return 'ended';
  let remote;
  try {
    remote = mirroredFields(
      (await stripeFor(ctx, connection).subscriptions.retrieve(sub.stripe_subscription_id)) as unknown as Record<string, unknown>,
    );
  } catch (error) {
    throw fromStripeError(error, `re-reading subscription ${sub.stripe_subscription_id}`);
  }
  const storedEnd = sub.current_period_end ? new Date(sub.current_period_end).getTime() : null;
  const inStep =
    remote.status === sub.status &&
    (remote.currentPeriodEnd?.getTime() ?? null) === storedEnd &&
    remote.cancelAtPeriodEnd === sub.cancel_at_period_end;
  if (inStep) return 'in_step';
  const since = Number(sub.version_created ?? Math.floor(new Date(sub.created_at).getTime() / 1000)) - CATCH_UP_OVERLAP_SECONDS;
  const result = await backfillConnection(ctx, connection, { since });
  ctx.logger.warn(
    { subscriptionId: sub.id, stored: sub.status, stripe: remote.status, stored_events: result.stored, error: result.error },
    'subscription period ended without the events that moved it on in Stripe; fetched them from Stripe',
  );
  if (result.error) throw new Error(`catching up subscription ${sub.id}: ${result.error}`);
  return 'caught_up';
}
