import type { StripeObject } from './json';

/** One Stripe account in one mode: objects never cross a scope. */
export interface Scope {
  account: string;
  livemode: boolean;
}

interface Row {
  seq: number;
  scope: Scope;
  data: StripeObject;
}

function sameScope(a: Scope, b: Scope): boolean {
  return a.account === b.account && a.livemode === b.livemode;
}

/**
 * In-memory object store. Ids are globally unique (as Stripe's are) but every read is scoped,
 * so an object of another account or mode reads as missing, exactly like Stripe's 404.
 */
export class ObjectStore {
  private readonly rows = new Map<string, Row>();
  private seq = 0;
  // Data that belongs to an object but is not one of its fields (a session's line items).
  private readonly related = new Map<string, unknown>();

  insert<T extends StripeObject>(scope: Scope, data: T): T {
    this.rows.set(data.id, { seq: ++this.seq, scope, data });
    return data;
  }

  /** Returns the stored object (mutable: callers update it in place, then emit events). */
  get(scope: Scope, object: string | readonly string[], id: string): StripeObject | undefined {
    const row = this.rows.get(id);
    if (!row || !sameScope(row.scope, scope)) return undefined;
    const names = typeof object === 'string' ? [object] : object;
    return names.includes(row.data.object) ? row.data : undefined;
  }

  /** Any object by id within a scope, whatever its type (used by `expand`). */
  getAny(scope: Scope, id: string): StripeObject | undefined {
    const row = this.rows.get(id);
    return row && sameScope(row.scope, scope) ? row.data : undefined;
  }

  /** The control API acts without a key: it finds an object (and its scope) by id alone. */
  locate(object: string, id: string): { scope: Scope; data: StripeObject } | undefined {
    const row = this.rows.get(id);
    return row && row.data.object === object ? { scope: row.scope, data: row.data } : undefined;
  }

  setRelated(id: string, name: string, value: unknown): void {
    this.related.set(`${id}/${name}`, value);
  }

  getRelated<T>(id: string, name: string): T | undefined {
    return this.related.get(`${id}/${name}`) as T | undefined;
  }

  delete(id: string): void {
    this.rows.delete(id);
  }

  /** Newest first, as every Stripe list: by `created`, then by insertion for same-second ties. */
  list(scope: Scope, object: string, filter: (data: StripeObject) => boolean = () => true): StripeObject[] {
    const out: Row[] = [];
    for (const row of this.rows.values()) {
      if (row.data.object === object && sameScope(row.scope, scope) && filter(row.data)) out.push(row);
    }
    out.sort((a, b) => Number(b.data.created ?? 0) - Number(a.data.created ?? 0) || b.seq - a.seq);
    return out.map((row) => row.data);
  }

  /** Every object of a type across all scopes (clock hooks sweep these). */
  all(object: string): Array<{ scope: Scope; data: StripeObject }> {
    const out: Array<{ scope: Scope; data: StripeObject }> = [];
    for (const row of this.rows.values()) if (row.data.object === object) out.push({ scope: row.scope, data: row.data });
    return out;
  }

  clear(): void {
    this.rows.clear();
    this.related.clear();
  }
}
