import type { Command } from 'commander';
import { lazyAction } from '../../cli/lazy-action';
import { PAYMENT_REQUEST_STATUSES } from './payment-request-statuses';

const run = (name: keyof typeof import('./command-actions')) => lazyAction(() => import('./command-actions'), name);

/** `paybridge payment-requests create|show|list`: the same use cases as the API, for operators and scripts. */
export function registerPaymentRequestCommands(program: Command): void {
  const requests = program.command('payment-requests').description('create, show and list payment requests a flow waits on');

  requests
    .command('create')
    .description('create a payment request; prints it as JSON (with the client_secret, once, for method payment_intent)')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--connection <connection_id>', 'the Stripe connection to charge through')
    .requiredOption('--amount <minor_units>', 'amount in minor units, e.g. 2000 for USD 20.00')
    .requiredOption('--currency <code>', 'ISO currency code, e.g. USD')
    .option('--method <method>', 'payment_link (a hosted page URL) or payment_intent (a client_secret)', 'payment_link')
    .option('--description <text>', 'what the customer pays for')
    .option('--flow <flow_id>', "your flow's own reference (a conversation, an order)")
    .option('--return-url <url>', 'where the hosted page sends the customer afterwards')
    .option('--email <email>', "the customer's email")
    .option('--idempotency-key <key>', 'repeat the command with the same key to get the same request')
    .action(run('create'));

  requests
    .command('show')
    .description('one payment request with its payments and timeline')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .requiredOption('--id <payment_request_id>', 'the request (preq_…)')
    .option('--refresh', 're-read the Stripe objects first')
    .action(run('show'));

  requests
    .command('list')
    .description('payment requests, newest first')
    .requiredOption('--tenant <tenant_id>', 'the tenant')
    .option('--status <status>', `only this status (${PAYMENT_REQUEST_STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many (1–100)', '25')
    .option('--cursor <cursor>', 'next_cursor of the previous page')
    .action(run('list'));
}
