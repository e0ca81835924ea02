import type { Effects } from '../../domain/effects';
import { insertEntitlementHistory, listSourceEntitlements, upsertEntitlement } from '../../store/entitlements';
import type { EntitlementRow, EntitlementSourceType, EntitlementSpec } from '../../store/subscriptions-schema';
import type { Access } from './access-rules';

export interface SourceEntitlements {
  readonly tenantId: string;
  readonly customerId: string;
  readonly source: { readonly type: EntitlementSourceType; readonly id: string };
  /** The keys (and values) this source gives when it grants; keys it gave before and no longer lists are revoked. */
  readonly specs: readonly EntitlementSpec[];
  readonly access: Access;
  /** The newest Stripe event the decision reflects (null when none, e.g. a plan edited through the API). */
  readonly asOf: Date | null;
  readonly asOfEventId: string | null;
}

const granting = (status: string | undefined) => status === 'active' || status === 'grace';

/**
 * Writes what one source gives into `entitlements`, keeping a history row (with its reason) and a
 * domain event for every grant and revoke, and queues the job that records the revoke when access
 * ends on its own (grace over, cancel at period end, license over). The check does not wait for that
 * job: it compares `expires_at` with the time it answers.
 */
export async function applySourceEntitlements(
  effects: Effects,
  input: SourceEntitlements,
): Promise<{ granted: string[]; revoked: string[] }> {
  const { trx } = effects;
  const existing = new Map((await listSourceEntitlements(trx, input.source.type, input.source.id)).map((row) => [row.key, row]));
  const granted: string[] = [];
  const revoked: string[] = [];
  const wanted = new Map(input.specs.map((spec) => [spec.key, spec]));
  for (const [key, row] of existing) {
    if (!wanted.has(key) && row.status !== 'revoked') {
      await write(
        effects,
        input,
        { key, value: row.value },
        { ...input.access, status: 'revoked', reason: `${key} is no longer part of what ${input.source.type} ${input.source.id} gives` },
        row,
      );
      revoked.push(key);
    }
  }
  for (const spec of input.specs) {
    const before = existing.get(spec.key);
    await write(effects, input, spec, input.access, before);
    if (granting(input.access.status) && !granting(before?.status)) granted.push(spec.key);
    if (!granting(input.access.status) && granting(before?.status)) revoked.push(spec.key);
  }
  if (granting(input.access.status) && input.access.expiresAt) {
    await effects.enqueue(
      'entitlements.expire',
      { source_type: input.source.type, source_id: input.source.id },
      {
        runAt: input.access.expiresAt,
        dedupeKey: `entitlements.expire:${input.source.type}:${input.source.id}:${input.access.expiresAt.toISOString()}`,
      },
    );
  }
  return { granted, revoked };
}

async function write(
  effects: Effects,
  input: SourceEntitlements,
  spec: EntitlementSpec,
  access: Access,
  before: EntitlementRow | undefined,
) {
  const { trx, now } = effects;
  await upsertEntitlement(trx, {
    customer_id: input.customerId,
    key: spec.key,
    source_type: input.source.type,
    source_id: input.source.id,
    tenant_id: input.tenantId,
    value: spec.value,
    status: access.status,
    expires_at: access.expiresAt,
    period_end: access.periodEnd,
    reason: access.reason,
    as_of: input.asOf,
    as_of_event_id: input.asOfEventId,
    updated_at: now,
  });
  const change = access.status === 'revoked' ? 'revoked' : access.status === 'grace' ? 'grace' : 'granted';
  const wasGranting = granting(before?.status);
  // History keeps changes only: a first row that grants nothing, or a repeat of the same status, is not one.
  if (before?.status === access.status || (!before && change === 'revoked')) return;
  await insertEntitlementHistory(trx, {
    tenant_id: input.tenantId,
    customer_id: input.customerId,
    key: spec.key,
    source_type: input.source.type,
    source_id: input.source.id,
    change,
    reason: access.reason,
    stripe_event_id: effects.cause?.stripeEventId ?? null,
    at: now,
  });
  const type = change === 'revoked' ? 'entitlement.revoked' : !wasGranting ? 'entitlement.granted' : undefined;
  if (!type) return;
  effects.recordDomainEvent({
    tenantId: input.tenantId,
    type,
    object: { type: 'entitlement', id: `${input.customerId}:${spec.key}` },
    snapshot: {
      customer: input.customerId,
      key: spec.key,
      value: spec.value,
      status: access.status,
      source: input.source,
      active_until: (access.expiresAt ?? access.periodEnd)?.toISOString() ?? null,
      reason: access.reason,
    },
  });
}
