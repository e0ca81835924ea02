import type { HandlerRegistry } from './registry';
import { translateRecorded } from './record-owned';

/** Products and prices are synced for the whole account (imported catalog), deletions included. */
export function registerCatalogHandlers(registry: HandlerRegistry): void {
  registry.on(
    'catalog',
    ['product.created', 'product.updated', 'product.deleted', 'price.created', 'price.updated', 'price.deleted'],
    async (input) =>
      translateRecorded(input, (object, deleted) => [
        {
          kind: 'catalog.changed',
          objectType: input.event.type.startsWith('price.') ? 'price' : 'product',
          objectId: String(object.id),
          deleted,
          object,
        },
      ]),
  );
}
