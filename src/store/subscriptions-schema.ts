import type { ColumnType, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** JSON columns are written as strings (JSON.stringify) and read back parsed. */
type Json<T> = ColumnType<T, string, string>;
/** bigint columns: written as numbers, read back as number or string depending on the driver (use Number()). */
type BigInt = ColumnType<number | string, number, number>;

/** An entitlement's value: `true` (a plain grant) or an integer limit such as `seats: 5`. */
export type EntitlementValue = boolean | number;
export interface EntitlementSpec {
  key: string;
  value: EntitlementValue;
}

export interface PackageGrants {
  credits?: { unit: string; amount: number; expires_after_days?: number };
  entitlements?: EntitlementSpec[];
  /** How long granted entitlements last; absent = forever. */
  duration_days?: number;
}

export type CatalogItemStatus = 'active' | 'needs_attention';

export interface PlansTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  name: string;
  price_ids: Json<string[]>;
  entitlements: Json<EntitlementSpec[]>;
  grace_period_days: number;
  status: CatalogItemStatus;
  status_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PackagesTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  name: string;
  price_id: string;
  grants: Json<PackageGrants>;
  status: CatalogItemStatus;
  status_reason: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CatalogPriceUsesTable {
  connection_id: string;
  price_id: string;
  owner_type: 'plan' | 'package';
  owner_id: string;
}

export type CheckoutStatus = 'open' | 'pending' | 'paid' | 'failed' | 'expired';

export interface CheckoutSessionsTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  customer_id: string;
  plan_id: string | null;
  package_id: string | null;
  price_id: string;
  quantity: number;
  payable_type: string;
  payable_id: string;
  stripe_session_id: string;
  url: string | null;
  expires_at: Timestamp | null;
  status: CheckoutStatus;
  paid_at: Timestamp | null;
  created_at: Timestamp;
}

export interface SubscriptionsTable {
  id: string;
  tenant_id: string;
  connection_id: string;
  customer_id: string;
  plan_id: string | null;
  stripe_subscription_id: string | null;
  status: string;
  current_period_end: Timestamp | null;
  cancel_at_period_end: boolean;
  cancel_at: Timestamp | null;
  trial_end: Timestamp | null;
  ended_at: Timestamp | null;
  past_due_since: Timestamp | null;
  latest_invoice_id: string | null;
  latest_invoice_status: string | null;
  latest_invoice_amount_paid: BigInt | null;
  latest_invoice_currency: string | null;
  latest_invoice_created: BigInt | null;
  version_created: BigInt | null;
  version_event_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SubscriptionPaymentsTable {
  id: string;
  tenant_id: string;
  subscription_id: string;
  stripe_invoice_id: string;
  outcome: 'paid' | 'failed';
  attempt: number;
  billing_reason: string | null;
  amount: BigInt;
  currency: string;
  failure: string | null;
  at: Timestamp;
  stripe_event_id: string;
}

export type EntitlementStatus = 'active' | 'grace' | 'revoked';
export type EntitlementSourceType = 'subscription' | 'package';

export interface EntitlementsTable {
  customer_id: string;
  key: string;
  source_type: EntitlementSourceType;
  source_id: string;
  tenant_id: string;
  value: Json<EntitlementValue>;
  status: EntitlementStatus;
  expires_at: Timestamp | null;
  period_end: Timestamp | null;
  reason: string;
  as_of: Timestamp | null;
  as_of_event_id: string | null;
  updated_at: Timestamp;
}

export interface EntitlementHistoryTable {
  id: string;
  tenant_id: string;
  customer_id: string;
  key: string;
  source_type: string;
  source_id: string;
  change: 'granted' | 'grace' | 'revoked';
  reason: string;
  stripe_event_id: string | null;
  at: Timestamp;
}

export interface SubscriptionTables {
  plans: PlansTable;
  packages: PackagesTable;
  catalog_price_uses: CatalogPriceUsesTable;
  checkout_sessions: CheckoutSessionsTable;
  subscriptions: SubscriptionsTable;
  subscription_payments: SubscriptionPaymentsTable;
  entitlements: EntitlementsTable;
  entitlement_history: EntitlementHistoryTable;
}

export type PlanRow = Selectable<PlansTable>;
export type PackageRow = Selectable<PackagesTable>;
export type CheckoutSessionRow = Selectable<CheckoutSessionsTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type SubscriptionPaymentRow = Selectable<SubscriptionPaymentsTable>;
export type EntitlementRow = Selectable<EntitlementsTable>;
export type EntitlementHistoryRow = Selectable<EntitlementHistoryTable>;
