import type { BusinessModule } from '../../domain/module';
import { projectCatalogObjects } from '../../store/catalog';
import { recordArchivedPrices } from './price-archived';

/**
 * Keeps each connection's products and prices lists current from `product.*` / `price.*`. The fact
 * carries the object's newest stored version (the object store has already refused older and
 * post-deletion versions), so writing it is always right, and writing it twice changes nothing.
 * Plans that use a price react to `catalog.changed` in their own module; this one records
 * `catalog.price_archived` when a sellable price stops being sellable.
 */
export const catalogModule: BusinessModule = {
  name: 'catalog',
  feature: 'catalog',
  payableTypes: [],
  describes: 'keeping the product and price lists',
  handles: {
    'catalog.changed': async (effects, fact) => {
      const cause = effects.cause!;
      const owner = { tenantId: cause.tenantId, connectionId: cause.connectionId };
      const version = {
        stripe_id: fact.objectId,
        object_type: fact.objectType,
        data: fact.object,
        deleted: fact.deleted,
        version_event_id: cause.stripeEventId,
      };
      const before = await projectCatalogObjects(effects.trx, owner, [version], effects.now);
      const archived = recordArchivedPrices(effects, owner, [version], before);
      const state = fact.deleted ? 'deleted' : fact.object.active === false ? 'archived' : 'active';
      return { status: 'processed', note: `${fact.objectType} ${fact.objectId} is ${state}${archived ? '; price archived' : ''}` };
    },
  },
};
