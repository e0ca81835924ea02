// Stripe's restricted-key permission slugs ("rak_<resource>_<read|write>"), as its 403 messages
// name them. Prices are `plan` in Stripe's slugs (the dashboard says "Prices", the API still says
// plan), so `rak_plan_read` is what Stripe reports; `rak_price_*` is accepted as an alias when a
// restricted key is created, for callers who use the dashboard's word.
export type Access = 'read' | 'write';

export interface Permission {
  resource: string;
  access: Access;
}

export function permissionName(permission: Permission): string {
  return `rak_${permission.resource}_${permission.access}`;
}

const ALIASES: Record<string, string> = { price: 'plan' };

/** Normalises "rak_price_read", "price_read" or "plan_read" into a canonical slug. */
export function normalizePermission(raw: string): Permission | undefined {
  const match = /^(?:rak_)?([a-z_]+)_(read|write)$/.exec(raw.trim());
  if (!match) return undefined;
  const resource = match[1]!;
  return { resource: ALIASES[resource] ?? resource, access: match[2] as Access };
}

/** Write implies read, as Stripe's dashboard grants it. */
export function grants(granted: readonly Permission[], needed: Permission): boolean {
  return granted.some(
    (p) => p.resource === needed.resource && (p.access === needed.access || (p.access === 'write' && needed.access === 'read')),
  );
}
