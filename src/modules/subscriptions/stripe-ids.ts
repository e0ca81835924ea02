/** A string field of a Stripe object, or the id of an expanded object in it. */
export function idField(object: Record<string, unknown>, key: string): string | null {
  const value = object[key];
  if (typeof value === 'string' && value.length > 0) return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}
