import { Migrator, type Migration, type MigrationResultSet } from 'kysely';
import type { Db } from '../database';
import * as core from './0001-core';
import * as events from './0002-events';
import * as dashboard from './0004-dashboard';
import * as invoices from './0005-invoices';
import * as payloadCompression from './0006-payload-compression';
import * as maintenanceRounds from './0007-maintenance-rounds';
import * as pausedEventsIndex from './0008-paused-events-index';
import * as domainEvents from './0010-domain-events';
import * as backfillCoverage from './0020-backfill-coverage';
import * as apiKeyNames from './0030-api-key-names';
import * as millisecondTimestamps from './0040-millisecond-timestamps';
import * as tokenHashKeys from './0050-token-hash-keys';
import * as graphileWorkerJobs from './0060-graphile-worker-jobs';
import * as customerStripeLinks from './0100-customer-stripe-links';
import * as subscriptions from './0101-subscriptions';
import * as millisecondCreatedAt from './0102-millisecond-created-at';
import * as credits from './0120-credits';
import * as outboundWebhooks from './0150-outbound-webhooks';
import * as paymentRequests from './0170-payment-requests';
import * as catalog from './0200-catalog';
import * as refunds from './0201-refunds';
import * as disputes from './0202-disputes';
import * as catalogMillisecondTimestamps from './0203-catalog-millisecond-timestamps';
import * as paymentRequestRefunds from './0220-payment-request-refunds';
import * as partitionedEvents from './0230-partitioned-events';
import * as dashboardOverviewIndexes from './0250-dashboard-overview-indexes';
import * as tenantDeletion from './0255-tenant-deletion';
import * as invoiceDueDate from './0256-invoice-due-date';
import * as mailHtmlAndReceipts from './0257-mail-html-and-receipts';
import * as eventsWithoutConnectionFk from './0258-events-without-connection-fk';
import * as disputePaymentLinks from './0265-dispute-payment-links';
import * as insertEventsFunction from './0280-insert-events-function';
import * as dropEventsConnectionCreatedIndex from './0281-drop-events-connection-created-index';
import { installJobQueueSchema } from '../jobs';

/**
 * Migrations are listed here in order, in code rather than discovered on disk, so the same set runs
 * under tsx, tests and any bundler. Each later capability adds one file and one line.
 * Number new migrations after the highest one here. 0003 was never used and must stay
 * unused: Kysely refuses a migration that sorts before one a database has already applied.
 */
const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-events': events,
  '0004-dashboard': dashboard,
  '0005-invoices': invoices,
  '0006-payload-compression': payloadCompression,
  '0007-maintenance-rounds': maintenanceRounds,
  '0008-paused-events-index': pausedEventsIndex,
  '0010-domain-events': domainEvents,
  '0020-backfill-coverage': backfillCoverage,
  '0030-api-key-names': apiKeyNames,
  '0040-millisecond-timestamps': millisecondTimestamps,
  '0050-token-hash-keys': tokenHashKeys,
  '0060-graphile-worker-jobs': graphileWorkerJobs,
  '0100-customer-stripe-links': customerStripeLinks,
  '0101-subscriptions': subscriptions,
  '0102-millisecond-created-at': millisecondCreatedAt,
  '0120-credits': credits,
  '0150-outbound-webhooks': outboundWebhooks,
  '0170-payment-requests': paymentRequests,
  '0200-catalog': catalog,
  '0201-refunds': refunds,
  '0202-disputes': disputes,
  '0203-catalog-millisecond-timestamps': catalogMillisecondTimestamps,
  '0220-payment-request-refunds': paymentRequestRefunds,
  '0230-partitioned-events': partitionedEvents,
  '0250-dashboard-overview-indexes': dashboardOverviewIndexes,
  '0255-tenant-deletion': tenantDeletion,
  '0256-invoice-due-date': invoiceDueDate,
  '0257-mail-html-and-receipts': mailHtmlAndReceipts,
  '0258-events-without-connection-fk': eventsWithoutConnectionFk,
  '0265-dispute-payment-links': disputePaymentLinks,
  '0280-insert-events-function': insertEventsFunction,
  '0281-drop-events-connection-created-index': dropEventsConnectionCreatedIndex,
};

/** graphile-worker's schema first (its own migrations, idempotent), then Paybridge's. */
async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  await installJobQueueSchema(db);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  return migrator.migrateToLatest();
}

/** Runs migrations and throws one readable error naming the migration that failed. */
export async function migrateOrThrow(db: Db): Promise<string[]> {
  const { error, results = [] } = await migrateToLatest(db);
  const failed = results.find((result) => result.status === 'Error');
  if (error || failed) {
    const name = failed?.migrationName ?? 'unknown';
    throw new Error(`Migration ${name} failed: ${(error as Error | undefined)?.message ?? 'see the database log'}`, { cause: error });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

/** The migration names this version knows, in order (the PGlite copy recreates an older schema level). */
export function knownMigrations(): string[] {
  return Object.keys(migrations);
}

/**
 * Applies migrations up to and including `name`, to copy data written at that schema level (PGlite
 * data is at 0008 at most, before graphile-worker's schema is needed, so that schema is not installed here).
 */
export async function migrateUpTo(db: Db, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(name);
  if (error) throw new Error(`Migration up to ${name} failed: ${(error as Error).message}`, { cause: error });
}
