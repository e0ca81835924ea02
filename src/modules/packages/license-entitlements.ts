import type { Effects } from '../../domain/effects';
import type { CheckoutSessionRow, PackageRow } from '../../store/subscriptions-schema';
import { licenseAccess } from '../entitlements/access-rules';
import { applySourceEntitlements } from '../entitlements/apply-entitlements';

/** What a paid package purchase gives: its entitlements for `duration_days` × quantity from payment, or forever. */
export async function refreshLicenseEntitlements(effects: Effects, checkout: CheckoutSessionRow, pkg: PackageRow) {
  const specs = pkg.grants.entitlements ?? [];
  if (specs.length === 0 || !checkout.paid_at) return { granted: [], revoked: [] };
  const duration = pkg.grants.duration_days === undefined ? null : pkg.grants.duration_days * checkout.quantity;
  return applySourceEntitlements(effects, {
    tenantId: checkout.tenant_id,
    customerId: checkout.customer_id,
    source: { type: 'package', id: checkout.id },
    specs,
    access: licenseAccess(checkout.id, new Date(checkout.paid_at), duration, effects.now),
    asOf: new Date(checkout.paid_at),
    asOfEventId: effects.cause?.stripeEventId ?? null,
  });
}
