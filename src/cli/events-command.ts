import type { Command } from 'commander';
import type { EventStatus } from '../store/schema';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./events-actions')) => lazyAction(() => import('./events-actions'), name);

export const STATUSES: EventStatus[] = ['received', 'processed', 'ignored', 'failed', 'dead', 'paused'];

export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('replay stored events or backfill missed ones from Stripe');

  events
    .command('replay')
    .description('queue events again for processing (idempotent); a running worker picks them up')
    .requiredOption('--tenant <tenant_id>', 'the tenant whose events to replay')
    .option('--id <event_id...>', 'one or more event ids (ev_…)')
    .option('--status <status>', `only events in this status (${STATUSES.join(', ')})`)
    .option('--type <type>', 'only events of this type, e.g. checkout.session.completed')
    .option('--connection <connection_id>', 'only events of this connection')
    .action(run('replay'));

  events
    .command('backfill')
    .description('fetch events Stripe could not deliver (last 30 days) and process them through the normal pipeline')
    .requiredOption('--connection <connection_id>', 'the connection to backfill')
    .option('--since <epoch_seconds>', 'start here instead of after the newest stored event')
    .action(run('backfill'));
}
