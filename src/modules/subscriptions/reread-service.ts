import type { AppContext } from '../../context';
import { stripeFor } from '../../billing/payment-link';
import { featureEnabled } from '../../domain/feature-gate';
import { readPaybridgeMetadata } from '../../domain/paybridge-metadata';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { AppError } from '../../errors';
import { findConnection } from '../../store/connections';
import { findStoredObject } from '../../store/object-lookup';
import { ObjectVersions } from '../../store/stripe-objects';
import { findSubscription } from '../../store/subscriptions';
import { fromStripeError } from '../../stripe/stripe-errors';
import { readVersionId } from '../../webhooks/object-versions';
import { SUBSCRIPTION_PAYABLE } from './locate-subscription';
import { mirrorSubscription } from './mirror-subscription';

export type RereadResult = 'applied' | 'superseded' | 'ended' | 'ignored';

/**
 * The `subscriptions.reread` job: two versions of a subscription tied in one second and could not
 * be ordered, so Stripe is asked. Its answer is stored as the subscription's newest version (a read
 * wins a same-second tie, object-versions.ts) and mirrored like an event's: status, entitlements,
 * domain events. The Stripe call happens before the transaction, so no lock waits for Stripe.
 */
export async function rereadSubscription(ctx: AppContext, payload: { subscription_id: string }): Promise<RereadResult> {
  const sub = await findSubscription(ctx.store.db, payload.subscription_id);
  if (!sub?.stripe_subscription_id) return 'ended';
  const connection = await findConnection(ctx.store.db, sub.connection_id);
  if (!connection || connection.disconnected_at) return 'ended';
  const key = { connectionId: connection.id, stripeId: sub.stripe_subscription_id };
  const seen = await findStoredObject(ctx.store.db, key.connectionId, key.stripeId);
  let remote: Record<string, unknown>;
  try {
    remote = (await stripeFor(ctx, connection).subscriptions.retrieve(key.stripeId)) as unknown as Record<string, unknown>;
  } catch (error) {
    throw fromStripeError(error, `re-reading subscription ${key.stripeId}`);
  }
  if (readPaybridgeMetadata(remote).payable?.id !== sub.id) return 'ignored';
  const readAt = ctx.now();
  const readSecond = Math.floor(readAt.getTime() / 1000);
  const outcome = await inUnitOfWork(ctx, async (effects) => {
    const versions = await ObjectVersions.lock(effects.trx, [key]);
    const stored = versions.peek(key);
    const unchanged = stored?.version_event_id === seen?.version_event_id;
    // An event stored while Stripe answered, dated in or after the read's second, may be newer than
    // the read: read again rather than guess (graphile-worker retries in seconds).
    if (stored && !unchanged && Number(stored.version_created) >= readSecond)
      throw new AppError({
        code: 'subscription_changed_while_read',
        status: 409,
        retryable: true,
        message: `subscription ${key.stripeId} changed while it was read from Stripe; it is read again`,
      });
    // The read began after `seen` was stored, so it is at least as new, whatever our clock says.
    const created = stored && unchanged ? Math.max(readSecond, Number(stored.version_created)) : readSecond;
    const applied = versions.apply({
      ...key,
      objectType: 'subscription',
      version: { created, eventId: readVersionId(readAt), object: remote, previous: null, deleted: false },
    });
    if (applied.outcome === 'superseded') return 'superseded';
    await versions.write(effects.trx);
    // The version is kept either way; acting on it is the module's, gated like a delivered event.
    if (!featureEnabled(connection.features as string[], 'subscriptions')) return 'ignored';
    await mirrorSubscription(effects, {
      kind: 'subscription.changed',
      payable: { type: SUBSCRIPTION_PAYABLE, id: sub.id },
      subscriptionId: key.stripeId,
      status: String(remote.status),
      versionCreated: created,
      versionEventId: applied.current.version_event_id,
      object: remote,
    });
    return 'applied';
  });
  ctx.logger.info(
    { subscriptionId: sub.id, stripe: remote.status, outcome },
    'subscription re-read from Stripe after an unsettled same-second tie',
  );
  return outcome;
}
