import type { Effects } from '../../domain/effects';
import type { CatalogOwner, CatalogVersion, LiveState } from '../../store/catalog';

const isLive = (state: LiveState) => state.active && !state.deleted;

/**
 * `catalog.price_archived` for each price that was sellable in the list and no longer is (archived
 * with `active: false`, or deleted). Only a known live price can become archived, so a duplicate
 * or a late event (the list already shows it archived) records nothing a second time.
 */
export function recordArchivedPrices(
  effects: Effects,
  owner: CatalogOwner,
  versions: readonly CatalogVersion[],
  before: ReadonlyMap<string, LiveState>,
): number {
  let recorded = 0;
  for (const version of versions) {
    if (version.object_type !== 'price') continue;
    const previous = before.get(version.stripe_id);
    const now: LiveState = { active: version.data.active !== false && !version.deleted, deleted: version.deleted };
    if (!previous || !isLive(previous) || isLive(now)) continue;
    effects.recordDomainEvent({
      tenantId: owner.tenantId,
      type: 'catalog.price_archived',
      object: { type: 'price', id: version.stripe_id },
      connectionId: owner.connectionId,
      snapshot: {
        id: version.stripe_id,
        connection_id: owner.connectionId,
        product: typeof version.data.product === 'string' ? version.data.product : null,
        active: false,
        deleted: version.deleted,
        reason: version.deleted ? 'deleted' : 'archived',
      },
    });
    recorded += 1;
  }
  return recorded;
}
