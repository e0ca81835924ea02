import type { HandlerRegistry } from './registry';
import { recordObject } from './record-owned';

export function registerCustomerHandlers(registry: HandlerRegistry): void {
  registry.on('customer', ['customer.created', 'customer.updated', 'customer.deleted'], recordObject);
}
