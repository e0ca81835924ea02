import type { ConnectionRow } from '../store/schema';
import type { HandlerOutcome } from './types';

export type Ownership = { owner: 'this_tenant' } | { owner: 'other_tenant' } | { owner: 'none' };

function metadataOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/**
 * Whose object is this? Paybridge stamps `paybridge_tenant_id` (and `tenant_id`) into the metadata
 * of everything it creates. Two tenants may share one Stripe account, so an object stamped for
 * another tenant must never touch this tenant's state, and an unstamped one is not ours at all.
 */
export function ownershipOf(object: Record<string, unknown>, connection: Pick<ConnectionRow, 'tenant_id'>): Ownership {
  const candidates = [
    metadataOf(object.metadata),
    metadataOf(metadataOf(object.subscription_details).metadata),
    metadataOf(metadataOf(metadataOf(object.parent).subscription_details).metadata),
  ];
  for (const metadata of candidates) {
    const tenant = metadata.paybridge_tenant_id ?? metadata.tenant_id;
    if (typeof tenant === 'string' && tenant.length > 0) {
      return tenant === connection.tenant_id ? { owner: 'this_tenant' } : { owner: 'other_tenant' };
    }
  }
  return { owner: 'none' };
}

export function notOursOutcome(object: Record<string, unknown>, ownership: Ownership): HandlerOutcome {
  const id = typeof object.id === 'string' ? object.id : 'the object';
  return {
    status: 'ignored',
    reason:
      ownership.owner === 'other_tenant'
        ? `recorded; ${id} belongs to another tenant sharing this Stripe account, so it does not touch this tenant's state`
        : `recorded; ${id} was not created through Paybridge (no paybridge metadata), so no business state changes`,
  };
}
