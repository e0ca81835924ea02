import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { BillingTables } from './invoices-schema';
import type { DomainEventTables } from './domain-events-schema';
import type { CustomerTables } from './customers-schema';
import type { CreditTables } from './credits-schema';
import type { SubscriptionTables } from './subscriptions-schema';
import type { PaymentRequestTables } from './payment-requests-schema';
import type { CatalogTables } from './catalog-schema';
import type { RefundTables } from './refunds-schema';
import type { DisputeTables } from './disputes-schema';
import type { OutboundWebhookTables } from './outbound-webhooks-schema';

/** Timestamps are written as Date and read back as Date on both stores. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** JSON columns are written as strings (JSON.stringify) and read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface SettingsTable {
  key: string;
  value: string;
}

export interface TenantsTable {
  id: string;
  name: string;
  created_at: CreatedAt;
  /** Set when the tenant was deleted; its rows stay as history and every lookup skips it (migration 0255). */
  deleted_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  token_hash: string;
  hint: string;
  name: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export type ConnectionStatus = 'active' | 'needs_attention' | 'disabled' | 'disconnected';
export type WebhookSetup = 'auto' | 'manual';

export interface PermissionReport {
  ok: boolean;
  checked: boolean;
  missing: string[];
  required_writes: string[];
  checked_at: string | null;
}

export interface WebhookEndpointState {
  id: string;
  status: string;
  url: string;
  enabled_events: string[];
  api_version: string | null;
}

export interface ConnectionsTable {
  id: string;
  tenant_id: string;
  name: string;
  mode: 'test' | 'live';
  environment: string | null;
  account_id: string | null;
  secret_key_sealed: string;
  secret_key_hint: string;
  publishable_key: string | null;
  webhook_setup: WebhookSetup;
  webhook_endpoint: Json<WebhookEndpointState | null>;
  features: Json<string[]>;
  is_active: boolean;
  status: ConnectionStatus;
  /** Why the connection needs attention, in words an admin can act on; null when healthy. */
  status_reasons: Json<string[]>;
  permissions: Json<PermissionReport>;
  account_status: Json<Record<string, unknown> | null>;
  last_event_at: Timestamp | null;
  first_verified_event_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  disconnected_at: Timestamp | null;
}

export interface SigningSecretsTable {
  id: string;
  connection_id: string;
  secret_sealed: string;
  hint: string;
  created_at: CreatedAt;
  /** Set when a newer secret replaced this one: it keeps verifying until then (the rotation overlap). */
  expires_at: Timestamp | null;
}

export type EventStatus = 'received' | 'processed' | 'ignored' | 'failed' | 'dead' | 'paused';
export type EventSource = 'webhook' | 'backfill';

export interface EventsTable {
  id: string;
  connection_id: string;
  tenant_id: string;
  stripe_event_id: string;
  type: string;
  livemode: boolean;
  api_version: string | null;
  /** Stripe's `created` of the event, epoch seconds. */
  stripe_created: number;
  object_id: string | null;
  object_type: string | null;
  payload: string;
  source: EventSource;
  status: EventStatus;
  status_reason: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** A worker's lease: claimed rows are skipped by others until it expires (a crashed worker's rows come back). */
  locked_by: ColumnType<string | null, string | null | undefined, string | null>;
  locked_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
  processed_at: Timestamp | null;
}

/** The dedupe of `events` (partitioned, so it cannot hold the unique key): one row per stored delivery, kept past the payload's month. */
export interface EventKeysTable {
  tenant_id: string;
  connection_id: string;
  stripe_event_id: string;
  event_id: string;
  received_at: Date;
}

export interface EventAttemptsTable {
  id: string;
  tenant_id: string;
  event_id: string;
  attempt: number;
  outcome: string;
  detail: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export interface StripeObjectsTable {
  connection_id: string;
  stripe_id: string;
  object_type: string;
  data: Json<Record<string, unknown>>;
  status: string | null;
  deleted: boolean;
  version_created: number;
  version_event_id: string;
  version_previous: Json<Record<string, unknown> | null>;
  updated_at: Timestamp;
}

export interface WebhookRejectionsTable {
  id: string;
  connection_id: string | null;
  reason: string;
  detail: string | null;
  received_at: Timestamp;
}

export interface WebhookRejectionCountsTable {
  connection_id: string;
  reason: string;
  count: number;
  last_at: Timestamp;
}

export interface BackfillCursorsTable {
  connection_id: string;
  last_run_at: Timestamp | null;
  last_result: string | null;
  covered_until: Timestamp | null;
  next_due_at: Generated<Date>;
}

export interface MaintenanceRoundsTable {
  name: string;
  holder: string;
  started_at: Timestamp;
  next_due_at: Timestamp;
}

/** The sealed key that stored token hashes are made with (src/auth/token-hashing.ts). */
export interface TokenHashKeysTable {
  id: string;
  key_sealed: string;
  created_at: CreatedAt;
}

export interface Database
  extends
    BillingTables,
    DomainEventTables,
    CustomerTables,
    CreditTables,
    SubscriptionTables,
    PaymentRequestTables,
    CatalogTables,
    RefundTables,
    DisputeTables,
    OutboundWebhookTables {
  token_hash_keys: TokenHashKeysTable;
  settings: SettingsTable;
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  connections: ConnectionsTable;
  signing_secrets: SigningSecretsTable;
  events: EventsTable;
  event_attempts: EventAttemptsTable;
  event_keys: EventKeysTable;
  stripe_objects: StripeObjectsTable;
  webhook_rejections: WebhookRejectionsTable;
  webhook_rejection_counts: WebhookRejectionCountsTable;
  backfill_cursors: BackfillCursorsTable;
  maintenance_rounds: MaintenanceRoundsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type ConnectionRow = Selectable<ConnectionsTable>;
export type NewConnection = Insertable<ConnectionsTable>;
export type ConnectionUpdate = Updateable<ConnectionsTable>;
export type SigningSecretRow = Selectable<SigningSecretsTable>;
export type EventRow = Selectable<EventsTable>;
export type NewEvent = Insertable<EventsTable>;
export type StripeObjectRow = Selectable<StripeObjectsTable>;
export type { Generated };
