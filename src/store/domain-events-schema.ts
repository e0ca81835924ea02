import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, never>;
/** bigint: written as a number, read back as a number (pg type parser) or string (PGlite); use Number(). */
type Sequence = ColumnType<number | string, number, number>;

export interface DomainEventsTable {
  id: string;
  tenant_id: string;
  sequence: Sequence;
  type: string;
  object_type: string;
  object_id: string;
  /** The object as it is after the change (JSON). */
  snapshot: ColumnType<unknown, string, never>;
  /** The Stripe event that caused the change; null for changes made through the API. */
  stripe_event_id: string | null;
  connection_id: string | null;
  created_at: Timestamp;
}

export interface DomainEventSequencesTable {
  tenant_id: string;
  last_sequence: Sequence;
}

export interface DomainEventTables {
  domain_events: DomainEventsTable;
  domain_event_sequences: DomainEventSequencesTable;
}

export type DomainEventRow = Selectable<DomainEventsTable>;
