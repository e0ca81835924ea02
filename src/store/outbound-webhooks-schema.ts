import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
/** bigint: read back as a number (pg type parser) or a string; use Number(). */
type BigIntColumn = ColumnType<number | string, number, number>;

export type WebhookEndpointStatus = 'enabled' | 'disabled';
export type WebhookDeliveryStatus = 'pending' | 'delivering' | 'succeeded' | 'failed';

export interface WebhookEndpointsTable {
  id: string;
  tenant_id: string;
  url: string;
  description: string | null;
  /** JSON list of domain event types; null = all. */
  event_types: ColumnType<string[] | null, string | null, string | null>;
  status: WebhookEndpointStatus;
  disabled_reason: string | null;
  disabled_at: Timestamp | null;
  /** The last domain event sequence of the tenant already fanned out into deliveries. */
  cursor_sequence: BigIntColumn;
  secrets_version: ColumnType<number, number | undefined, number>;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  failing_since: Timestamp | null;
  circuit_open_until: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WebhookEndpointSecretsTable {
  id: string;
  endpoint_id: string;
  secret_sealed: string;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  tenant_id: string;
  webhook_id: string;
  domain_event_id: string | null;
  event_type: string;
  object_type: string;
  object_id: string;
  sequence: BigIntColumn;
  payload: string | null;
  status: WebhookDeliveryStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Timestamp | null;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_status_code: number | null;
  last_response_ms: number | null;
  last_response_body: string | null;
  last_error: string | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface WebhookDeliveryAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  started_at: Timestamp;
  status_code: number | null;
  response_ms: number;
  response_body: string | null;
  error: string | null;
}

export interface OutboundWebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_endpoint_secrets: WebhookEndpointSecretsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookEndpointSecretRow = Selectable<WebhookEndpointSecretsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookDeliveryAttemptRow = Selectable<WebhookDeliveryAttemptsTable>;
