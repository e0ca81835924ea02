import type { HandlerRegistry } from './registry';
import { translateRecorded } from './record-owned';

export function registerCustomerHandlers(registry: HandlerRegistry): void {
  registry.on('customer', ['customer.created', 'customer.updated', 'customer.deleted'], async (input) =>
    translateRecorded(input, (object, deleted) => [{ kind: 'customer.changed', customerId: String(object.id), deleted, object }]),
  );
}
