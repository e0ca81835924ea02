// Stripe objects are kept as plain JSON records: the sandbox serialises exactly what it stores,
// so a field added to a builder shows up in responses, events and deliveries alike.
export type Json = Record<string, unknown>;

/** A stored Stripe object: every one carries an id and its `object` name. */
export interface StripeObject extends Json {
  id: string;
  object: string;
}

export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
