import type { ColumnType, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

/** One Stripe customer per (Paybridge customer, connection), created on first use (migration 0100). */
export interface CustomerStripeLinksTable {
  customer_id: string;
  connection_id: string;
  stripe_customer_id: string;
  created_at: CreatedAt;
}

export interface CustomerTables {
  customer_stripe_links: CustomerStripeLinksTable;
}

export type CustomerStripeLinkRow = Selectable<CustomerStripeLinksTable>;
