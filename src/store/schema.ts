import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

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
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  token_hash: string;
  hint: string;
  created_at: CreatedAt;
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

export interface Database {
  settings: SettingsTable;
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  connections: ConnectionsTable;
  signing_secrets: SigningSecretsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type ConnectionRow = Selectable<ConnectionsTable>;
export type NewConnection = Insertable<ConnectionsTable>;
export type ConnectionUpdate = Updateable<ConnectionsTable>;
export type SigningSecretRow = Selectable<SigningSecretsTable>;
export type { Generated };
