import { sql } from 'kysely';
import { AppError } from '../errors';
import type { Db } from './database';
import type { StripeObjectRow } from './schema';
import { orderVersions, type ObjectVersion } from '../webhooks/object-versions';

export type ApplyOutcome = 'created' | 'updated' | 'same_version' | 'superseded';

export interface AppliedObject {
  outcome: ApplyOutcome;
  /** The newest known version after this event (the incoming one unless it was superseded). */
  current: StripeObjectRow;
  /**
   * Set when this version and the stored one share their `created` second and the versions alone
   * cannot order them (object-versions.ts): the stored one stays, as uncertain as this one, until
   * the object is read from Stripe again.
   */
  unsettledTie?: { created: number; eventIds: [string, string] };
}

export interface ObjectKey {
  connectionId: string;
  stripeId: string;
}

export interface IncomingVersion extends ObjectKey {
  objectType: string;
  version: ObjectVersion;
}

const keyOf = (key: ObjectKey) => `${key.connectionId}/${key.stripeId}`;

/** Raised when another transaction created an object this one meant to create; retrying the transaction resolves it. */
export class ObjectCreatedMeanwhile extends AppError {
  constructor(ids: string[]) {
    super({
      code: 'object_created_meanwhile',
      status: 409,
      retryable: true,
      message: `${ids.join(', ')} was stored by another transaction at the same time; the event is retried`,
    });
  }
}

/**
 * The newest known version of every Stripe object one processing transaction touches. `lock` reads
 * the stored rows with FOR UPDATE in one statement (so two transactions on one object serialise);
 * `apply` decides each incoming version in memory (see object-versions.ts), so several events on
 * one object in one transaction see each other; `write` stores what changed in at most two
 * statements. An object that was absent at `lock` but created by another transaction before
 * `write` raises ObjectCreatedMeanwhile: the caller rolls back and retries, and the retry locks it.
 */
export class ObjectVersions {
  private readonly created = new Set<string>();
  private readonly updated = new Set<string>();

  private constructor(
    private readonly locked: ReadonlySet<string>,
    private readonly rows: Map<string, StripeObjectRow>,
  ) {}

  static async lock(trx: Db, keys: readonly ObjectKey[]): Promise<ObjectVersions> {
    const locked = new Set(keys.map(keyOf));
    if (keys.length === 0) return new ObjectVersions(locked, new Map());
    const result = await sql<StripeObjectRow>`
      select * from stripe_objects
      where (connection_id, stripe_id) in (select * from unnest(${keys.map((k) => k.connectionId)}::text[], ${keys.map((k) => k.stripeId)}::text[]))
      for update`.execute(trx);
    return new ObjectVersions(
      locked,
      new Map(
        result.rows.map((row) => [
          keyOf({ connectionId: row.connection_id, stripeId: row.stripe_id }),
          { ...row, version_created: Number(row.version_created) },
        ]),
      ),
    );
  }

  /** The newest version known so far (stored or applied in this transaction); undefined when there is none. */
  peek(key: ObjectKey): StripeObjectRow | undefined {
    return this.rows.get(keyOf(key));
  }

  apply(incoming: IncomingVersion): AppliedObject {
    const { version } = incoming;
    const key = keyOf(incoming);
    if (!this.locked.has(key)) throw new Error(`${incoming.stripeId} was not locked before its version was applied`);
    const stored = this.rows.get(key);
    if (stored && stored.version_event_id === version.eventId) return { outcome: 'same_version', current: stored };
    const order = stored ? orderVersions(version, versionOf(stored)) : undefined;
    if (stored && order && !order.newer)
      return { outcome: 'superseded', current: stored, ...(order.settled ? {} : { unsettledTie: tieOf(stored, version) }) };
    const current: StripeObjectRow = {
      connection_id: incoming.connectionId,
      stripe_id: incoming.stripeId,
      object_type: incoming.objectType,
      data: version.object,
      status: typeof version.object.status === 'string' ? version.object.status : null,
      deleted: version.deleted,
      version_created: version.created,
      version_event_id: version.eventId,
      version_previous: version.previous,
      updated_at: new Date(),
    };
    this.rows.set(key, current);
    if (stored && !this.created.has(key)) {
      this.updated.add(key);
      return { outcome: 'updated', current };
    }
    this.created.add(key);
    return { outcome: stored ? 'updated' : 'created', current };
  }

  async write(trx: Db): Promise<void> {
    const toCreate = [...this.created].map((key) => this.rows.get(key)!);
    const toUpdate = [...this.updated].map((key) => this.rows.get(key)!);
    if (toCreate.length > 0) {
      const inserted = await sql<{ connection_id: string; stripe_id: string }>`
        insert into stripe_objects (connection_id, stripe_id, object_type, data, status, deleted, version_created, version_event_id, version_previous, updated_at)
        select connection_id, stripe_id, object_type, data::jsonb, status, deleted, version_created, version_event_id, version_previous::jsonb, updated_at
        from ${columnsOf(toCreate)}
        on conflict (connection_id, stripe_id) do nothing
        returning connection_id, stripe_id`.execute(trx);
      if (inserted.rows.length !== toCreate.length) {
        const stored = new Set(inserted.rows.map((row) => keyOf({ connectionId: row.connection_id, stripeId: row.stripe_id })));
        throw new ObjectCreatedMeanwhile(
          toCreate
            .filter((row) => !stored.has(keyOf({ connectionId: row.connection_id, stripeId: row.stripe_id })))
            .map((row) => row.stripe_id),
        );
      }
    }
    if (toUpdate.length > 0) {
      await sql`
        update stripe_objects s set
          object_type = u.object_type, data = u.data::jsonb, status = u.status, deleted = u.deleted, version_created = u.version_created,
          version_event_id = u.version_event_id, version_previous = u.version_previous::jsonb, updated_at = u.updated_at
        from ${columnsOf(toUpdate)}
        where s.connection_id = u.connection_id and s.stripe_id = u.stripe_id`.execute(trx);
    }
    this.created.clear();
    this.updated.clear();
  }
}

function tieOf(stored: StripeObjectRow, incoming: ObjectVersion): NonNullable<AppliedObject['unsettledTie']> {
  return { created: incoming.created, eventIds: [stored.version_event_id, incoming.eventId] };
}

function versionOf(row: StripeObjectRow): ObjectVersion {
  return {
    created: Number(row.version_created),
    eventId: row.version_event_id,
    object: row.data,
    previous: row.version_previous,
    deleted: row.deleted,
  };
}

/** The rows as an unnest() of one typed array per column, aliased `u`. */
function columnsOf(rows: readonly StripeObjectRow[]) {
  const column = <T>(pick: (row: StripeObjectRow) => T) => rows.map(pick);
  return sql`unnest(
    ${column((r) => r.connection_id)}::text[], ${column((r) => r.stripe_id)}::text[], ${column((r) => r.object_type)}::text[],
    ${column((r) => JSON.stringify(r.data))}::text[], ${column((r) => r.status)}::text[], ${column((r) => r.deleted)}::bool[],
    ${column((r) => r.version_created)}::int8[], ${column((r) => r.version_event_id)}::text[],
    ${column((r) => JSON.stringify(r.version_previous))}::text[], ${column((r) => r.updated_at)}::timestamptz[]
  ) as u(connection_id, stripe_id, object_type, data, status, deleted, version_created, version_event_id, version_previous, updated_at)`;
}
