import type { Command } from 'commander';
import type { InvoiceStatus } from '../store/invoices-schema';
import { lazyAction } from './lazy-action';

const run = (name: keyof typeof import('./invoices-actions')) => lazyAction(() => import('./invoices-actions'), name);

export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['draft', 'open', 'paid', 'void', 'refunded'];

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `paybridge invoices …`: the invoice use cases of the API, for operators and scripts. */
export function registerInvoiceCommands(program: Command): void {
  const invoices = program.command('invoices').description("a tenant's invoices: list, show, create, finalize, void");

  invoices
    .command('list')
    .description('invoices, newest first')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--status <status>', `only this status (${INVOICE_STATUSES.join(', ')})`)
    .option('--connection <connection_id>', 'only invoices of this connection')
    .option('--external-id <id>', "only the invoice with this external id (the platform's own reference)")
    .option('--limit <n>', 'how many (1–100)', '25')
    .option('--cursor <cursor>', 'next_cursor printed by the previous page')
    .option('--json', 'print JSON')
    .action(run('list'));

  invoices
    .command('show <invoice_id>')
    .description('one invoice with its lines, payments and timeline')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action(run('show'));

  invoices
    .command('create')
    .description('create a draft invoice (finalize it to get its payment link)')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .requiredOption('--connection <connection_id>', 'the Stripe connection that collects the payment')
    .requiredOption('--email <email>', "the customer's email")
    .requiredOption('--name <name>', "the customer's name")
    .requiredOption('--currency <code>', 'ISO currency code, e.g. USD')
    .requiredOption('--line <quantity×minor_units:description>', 'a line such as "2x1500:Consulting hour" (repeatable)', collect)
    .option('--external-id <id>', 'your own reference, unique per tenant')
    .option('--json', 'print JSON')
    .action(run('create'));

  invoices
    .command('finalize <invoice_id>')
    .description('open a draft invoice: creates its payment link and mails it to the customer')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action(run('finalize'));

  invoices
    .command('void <invoice_id>')
    .description('void an unpaid invoice and deactivate its payment link')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .option('--json', 'print JSON')
    .action(run('voidOne'));
}
