import type { AppContext } from '../../context';
import { inUnitOfWork } from '../../domain/unit-of-work';
import { lockCheckoutByPayable } from '../../store/checkout-sessions';
import { findPackage } from '../../store/plans';
import { lockSubscription } from '../../store/subscriptions';
import type { EntitlementSourceType } from '../../store/subscriptions-schema';
import { PACKAGE_PAYABLE } from '../packages/packages-module';
import { refreshLicenseEntitlements } from '../packages/license-entitlements';
import { refreshSubscriptionEntitlements } from '../subscriptions/subscription-entitlements';

/**
 * The job queued for the moment a source's access ends on its own: re-derives the source as of now,
 * which records the revoke (history, `entitlement.revoked`). Safe to run early, late or twice: it
 * writes only what changed.
 */
export async function expireSourceEntitlements(
  ctx: AppContext,
  source: { source_type: EntitlementSourceType; source_id: string },
): Promise<void> {
  await inUnitOfWork(ctx, async (effects) => {
    if (source.source_type === 'subscription') {
      const sub = await lockSubscription(effects.trx, source.source_id);
      if (sub) await refreshSubscriptionEntitlements(effects, sub);
      return;
    }
    const checkout = await lockCheckoutByPayable(effects.trx, PACKAGE_PAYABLE, source.source_id);
    const pkg = checkout?.package_id ? await findPackage(effects.trx, checkout.package_id) : undefined;
    if (checkout && pkg) await refreshLicenseEntitlements(effects, checkout, pkg);
  });
}
