import { sql } from 'kysely';
import type { Db } from '../database';

/**
 * Credits (issue 15, "Credits"): a ledger per (tenant, customer, unit).
 *
 * - `credit_accounts` is one row per customer and unit, created by the first grant. Every movement
 *   locks it first (`FOR UPDATE`), so movements of one unit of one customer run one after another
 *   and the balance check cannot be raced; other units and customers never wait on it. A debit of a
 *   unit with no account is `unknown_unit`.
 * - `credit_grants` are the lots credits come in; `remaining` is what is still free in a lot.
 * - `credit_debits` and `credit_holds` are the requests (with their idempotency key and the body
 *   they were made with); `credit_allocations` says which lots each one took, so a capture or a
 *   release gives back exactly what a hold took.
 * - `credit_ledger` is append-only: every movement with its effect on paid, granted and held, so the
 *   sums of its columns are the balance.
 */
export async function up(db: Db): Promise<void> {
  const unitCheck = sql`unit ~ '^[a-z][a-z0-9_.]{0,63}$'`;

  await db.schema
    .createTable('credit_accounts')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id').onDelete('cascade'))
    .addColumn('unit', 'text', (c) => c.notNull().check(unitCheck))
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('credit_accounts_pkey', ['tenant_id', 'customer_id', 'unit'])
    .execute();

  await db.schema
    .createTable('credit_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('paid', 'granted')`))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('remaining', 'bigint', (c) => c.notNull().check(sql`remaining >= 0 and remaining <= amount`))
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('expires_at', 'timestamptz')
    .addColumn('expired_at', 'timestamptz')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addForeignKeyConstraint('credit_grants_account_fkey', ['tenant_id', 'customer_id', 'unit'], 'credit_accounts', [
      'tenant_id',
      'customer_id',
      'unit',
    ])
    .execute();
  await db.schema
    .createIndex('credit_grants_idempotency_key')
    .on('credit_grants')
    .columns(['tenant_id', 'idempotency_key'])
    .unique()
    .execute();
  // The lots a debit may take from, soonest-expiring first (nulls = never expire, taken last).
  await sql`create index credit_grants_spendable_idx on credit_grants (tenant_id, customer_id, unit, expires_at, created_at, id) where remaining > 0`.execute(
    db,
  );

  await db.schema
    .createTable('credit_debits')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('succeeded', 'rejected')`))
    .addColumn('rejection', 'text')
    .addColumn('reason', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addForeignKeyConstraint('credit_debits_account_fkey', ['tenant_id', 'customer_id', 'unit'], 'credit_accounts', [
      'tenant_id',
      'customer_id',
      'unit',
    ])
    .execute();
  await db.schema
    .createIndex('credit_debits_idempotency_key')
    .on('credit_debits')
    .columns(['tenant_id', 'idempotency_key'])
    .unique()
    .execute();

  await db.schema
    .createTable('credit_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('captured_amount', 'bigint', (c) => c.check(sql`captured_amount >= 0 and captured_amount <= amount`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('held', 'captured', 'released', 'expired', 'rejected')`))
    .addColumn('rejection', 'text')
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('settled_at', 'timestamptz')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull())
    .addForeignKeyConstraint('credit_holds_account_fkey', ['tenant_id', 'customer_id', 'unit'], 'credit_accounts', [
      'tenant_id',
      'customer_id',
      'unit',
    ])
    .execute();
  await db.schema
    .createIndex('credit_holds_idempotency_key')
    .on('credit_holds')
    .columns(['tenant_id', 'idempotency_key'])
    .unique()
    .execute();
  await sql`create index credit_holds_open_idx on credit_holds (tenant_id, customer_id, unit, expires_at) where status = 'held'`.execute(
    db,
  );

  await db.schema
    .createTable('credit_allocations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('grant_id', 'text', (c) => c.notNull().references('credit_grants.id').onDelete('cascade'))
    .addColumn('debit_id', 'text', (c) => c.references('credit_debits.id').onDelete('cascade'))
    .addColumn('hold_id', 'text', (c) => c.references('credit_holds.id').onDelete('cascade'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addCheckConstraint('credit_allocations_one_owner', sql`(debit_id is null) <> (hold_id is null)`)
    .execute();
  await db.schema.createIndex('credit_allocations_hold_idx').on('credit_allocations').column('hold_id').execute();

  await db.schema
    .createTable('credit_ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('entry_type', 'text', (c) =>
      c.notNull().check(sql`entry_type in ('grant', 'debit', 'hold', 'capture', 'release', 'hold_expired', 'expire')`),
    )
    .addColumn('paid_delta', 'bigint', (c) => c.notNull())
    .addColumn('granted_delta', 'bigint', (c) => c.notNull())
    .addColumn('held_delta', 'bigint', (c) => c.notNull())
    .addColumn('reference_type', 'text', (c) => c.notNull())
    .addColumn('reference_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('credit_ledger_customer_idx')
    .on('credit_ledger')
    .columns(['tenant_id', 'customer_id', 'created_at', 'id'])
    .execute();
}
