import type { Command } from 'commander';
import { lazyAction } from '../../cli/lazy-action';

const run = (name: keyof typeof import('./command-actions')) => lazyAction(() => import('./command-actions'), name);

export function registerCreditCommands(program: Command): void {
  const credits = program.command('credits').description("a customer's credits: balances, ledger, debits");
  credits
    .command('show')
    .description('balances per unit (paid, granted, held) and the newest ledger entries')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .requiredOption('--customer <customer>', 'cust_… or ext:{external_id}')
    .option('--entries <n>', 'how many ledger entries to show (0 for none)', '20')
    .option('--json', 'print JSON')
    .action(run('show'));
  credits
    .command('debit')
    .description('take credits, soonest-expiring first; refused rather than going negative')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .requiredOption('--customer <customer>', 'cust_… or ext:{external_id}')
    .requiredOption('--unit <unit>', 'the credit unit, such as job_credits')
    .requiredOption('--amount <n>', 'a whole number of credits, at least 1')
    .requiredOption('--idempotency-key <key>', 'a key of your own; running the same command again debits once')
    .option('--reason <text>', 'why, shown in the ledger')
    .option('--json', 'print JSON')
    .action(run('debit'));
}
