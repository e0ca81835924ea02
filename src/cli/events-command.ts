import type { Command } from 'commander';
import type { EventStatus } from '../store/schema';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./events-actions')) => lazyAction(() => import('./events-actions'), name);

export const STATUSES: EventStatus[] = ['received', 'processed', 'ignored', 'failed', 'dead', 'paused'];

export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('list, show and replay stored events, or backfill missed ones from Stripe');

  events
    .command('replay')
    .description('queue events again for processing (idempotent) and show progress while a running worker (paybridge serve) processes them')
    .requiredOption('--tenant <tenant_id>', 'the tenant whose events to replay')
    .option('--id <event_id...>', 'one or more event ids (ev_…)')
    .option('--status <status>', `only events in this status (${STATUSES.join(', ')})`)
    .option('--type <type>', 'only events of this type, e.g. checkout.session.completed')
    .option('--connection <connection_id>', 'only events of this connection')
    .option('--no-wait', 'return once the events are queued instead of showing their progress until a worker has processed them')
    .option('--stall-seconds <n>', 'stop waiting when no replayed event has finished for this long (they stay queued)', '30')
    .action(run('replay'));

  events
    .command('backfill')
    .description(
      'fetch events Stripe could not deliver (last 30 days), showing how much of the window is read, and queue them for the normal pipeline',
    )
    .requiredOption('--connection <connection_id>', 'the connection to backfill')
    .option(
      '--since <date>',
      'start here (ISO date such as 2026-11-30T08:00:00Z, or Unix seconds) instead of after the newest stored event',
    )
    .action(run('backfill'));

  events
    .command('list')
    .description("a tenant's event log, newest first")
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--status <status>', `only events in this status (${STATUSES.join(', ')})`)
    .option('--type <type>', 'only events of this type, e.g. invoice.paid')
    .option('--connection <connection_id>', 'only events of this connection')
    .option('--object <object_id>', 'only events about this Stripe object, e.g. pi_…')
    .option('--limit <n>', 'how many (1–100)', '25')
    .option('--cursor <cursor>', 'next_cursor printed by the previous page')
    .option('--json', 'print JSON')
    .action(run('list'));

  events
    .command('show <event_id>')
    .description('one event: its status, processing attempts and payload')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action(run('show'));
}
