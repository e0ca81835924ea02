import type { ConnectionRow } from '../store/schema';

/**
 * The one place that reads and writes Paybridge's own metadata on Stripe objects. Paybridge stamps
 * every object it creates with the tenant (`paybridge_tenant_id`, plus SPEC's plain `tenant_id`) and
 * the payable it is for (`paybridge_payable_type` + `paybridge_payable_id`); facts are routed to the
 * module owning that payable type (src/domain/module-registry.ts).
 */

/** The business object a Stripe object was created for: an invoice, later a subscription, a top-up… */
export interface PayableRef {
  readonly type: string;
  readonly id: string;
}

interface PaybridgeMetadata {
  readonly tenantId: string | undefined;
  readonly payable: PayableRef | undefined;
}

type Ownership = { owner: 'this_tenant' } | { owner: 'other_tenant' } | { owner: 'none' };

const KEYS = { tenant: 'paybridge_tenant_id', payableType: 'paybridge_payable_type', payableId: 'paybridge_payable_id' } as const;

// Invoices finalized before payables existed carry only this key; they stay payable as invoices.
const LEGACY_INVOICE_KEY = 'paybridge_invoice_id';

function recordOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Where Paybridge's metadata can sit on an object: its own `metadata`, or, on Stripe's invoices of a
 * subscription, the subscription's metadata copied under `subscription_details` (and, since API
 * version 2025-03, under `parent.subscription_details`).
 */
function metadataCandidates(object: Record<string, unknown>): Record<string, unknown>[] {
  return [
    recordOf(object.metadata),
    recordOf(recordOf(object.subscription_details).metadata),
    recordOf(recordOf(recordOf(recordOf(object.parent).subscription_details)).metadata),
  ];
}

/** Paybridge's metadata on a Stripe object; the first place carrying a tenant wins. */
export function readPaybridgeMetadata(object: Record<string, unknown>): PaybridgeMetadata {
  for (const metadata of metadataCandidates(object)) {
    const tenantId = nonEmpty(metadata[KEYS.tenant]) ?? nonEmpty(metadata.tenant_id);
    if (!tenantId) continue;
    const type = nonEmpty(metadata[KEYS.payableType]);
    const id = nonEmpty(metadata[KEYS.payableId]);
    const legacyInvoice = nonEmpty(metadata[LEGACY_INVOICE_KEY]);
    const payable = type && id ? { type, id } : legacyInvoice ? { type: 'invoice', id: legacyInvoice } : undefined;
    return { tenantId, payable };
  }
  return { tenantId: undefined, payable: undefined };
}

/** The metadata every object Paybridge creates for a payable carries (SPEC F8's plain keys included). */
export function payableMetadata(tenantId: string, payable: PayableRef): Record<string, string> {
  return { [KEYS.tenant]: tenantId, tenant_id: tenantId, [KEYS.payableType]: payable.type, [KEYS.payableId]: payable.id };
}

/**
 * Whose object is this? Two tenants may share one Stripe account, so an object stamped for another
 * tenant must never touch this tenant's state, and an unstamped one is not ours at all.
 */
export function ownershipOf(object: Record<string, unknown>, connection: Pick<ConnectionRow, 'tenant_id'>): Ownership {
  const { tenantId } = readPaybridgeMetadata(object);
  if (!tenantId) return { owner: 'none' };
  return tenantId === connection.tenant_id ? { owner: 'this_tenant' } : { owner: 'other_tenant' };
}

/** Why an object that is not this tenant's changes nothing (stored as the event's `ignored` reason). */
export function notOursReason(object: Record<string, unknown>, ownership: Exclude<Ownership, { owner: 'this_tenant' }>): string {
  const id = typeof object.id === 'string' ? object.id : 'the object';
  return ownership.owner === 'other_tenant'
    ? `recorded; ${id} belongs to another tenant sharing this Stripe account, so it does not touch this tenant's state`
    : `recorded; ${id} was not created through Paybridge (no paybridge metadata), so no business state changes`;
}
