import type { Command } from 'commander';
import { lazyAction } from '../../cli/lazy-action';
import type { WebhookDeliveryStatus } from '../../store/outbound-webhooks-schema';

const run = (name: keyof typeof import('./command-actions')) => lazyAction(() => import('./command-actions'), name);

export const STATUSES: WebhookDeliveryStatus[] = ['pending', 'delivering', 'succeeded', 'failed'];

/** `paybridge webhooks …`: the platform's outbound webhook endpoints, their delivery log and the receiver check. */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description("outbound webhooks to the platform's own app: endpoints, deliveries, receiver check");

  webhooks
    .command('list')
    .description("a tenant's webhook endpoints")
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .option('--json', 'print JSON')
    .action(run('list'));

  webhooks
    .command('create')
    .description('add an endpoint; prints its signing secret once')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--url <url>', 'the https URL of your receiver')
    .option('--events <types...>', 'domain event types to send, such as invoice.paid (default: all)')
    .option('--description <text>', 'a note for people')
    .action(run('create'));

  webhooks
    .command('rotate-secret')
    .description('new signing secret (printed once); the previous one signs alongside it for 24 hours')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--endpoint <endpoint_id>', 'the endpoint (wep_…)')
    .action(run('rotate'));

  webhooks
    .command('test')
    .description('queue a signed ping to the endpoint (a running worker sends it)')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--endpoint <endpoint_id>', 'the endpoint (wep_…)')
    .action(run('test'));

  webhooks
    .command('deliveries')
    .description("an endpoint's delivery log, newest first")
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--endpoint <endpoint_id>', 'the endpoint (wep_…)')
    .option('--status <status>', `only deliveries in this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many (1–100)', '25')
    .option('--cursor <cursor>', 'next_cursor from the previous page')
    .option('--json', 'print JSON with every attempt')
    .action(run('deliveries'));

  webhooks
    .command('redeliver')
    .description('send a finished delivery again, with the same webhook-id')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--delivery <delivery_id>', 'the delivery (wdl_…)')
    .action(run('redeliverOne'));

  webhooks
    .command('check-receiver')
    .description(
      'send the receiver a forged signature, a two-secret signature, a duplicate webhook-id and an out-of-order pair, and report what it did',
    )
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--endpoint <endpoint_id>', 'the endpoint (wep_…)')
    .option('--json', 'print JSON')
    .action(run('checkTheReceiver'));
}
