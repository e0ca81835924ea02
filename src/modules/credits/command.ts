import type { Command } from 'commander';
import { printJson, printTable, withContext } from '../../cli/with-context';
import type { AppContext } from '../../context';
import { validationError } from '../../http/error-handler';
import { resolveCustomer } from '../customers/customers-service';
import { debitInput } from './credit-input';
import { ledgerEntryView } from './credit-views';
import { creditBalances, creditLedgerPage, debitCredits } from './credits-service';

interface CustomerOptions {
  tenant: string;
  customer: string;
  json?: boolean;
}

/** `paybridge credits show`: balances per unit, then the newest ledger entries. */
export async function showCredits(ctx: AppContext, options: CustomerOptions & { entries: string }): Promise<void> {
  const limit = Number(options.entries);
  if (!Number.isInteger(limit) || limit < 0 || limit > 1000) throw new Error('--entries must be a whole number from 0 to 1000');
  const customer = await resolveCustomer(ctx.store.db, options.tenant, options.customer);
  const balances = await creditBalances(ctx, options.tenant, customer.id);
  const ledger = limit === 0 ? [] : (await creditLedgerPage(ctx, options.tenant, customer.id, { limit })).map(ledgerEntryView);
  if (options.json) {
    printJson({ customer: customer.id, balances, ledger });
    return;
  }
  process.stdout.write(`credits of ${customer.id}${customer.external_id ? ` (ext:${customer.external_id})` : ''}\n`);
  printTable(balances, ['unit', 'available', 'paid', 'granted', 'held', 'next_expires_at']);
  if (limit === 0) return;
  process.stdout.write(`\nledger, newest first (${ledger.length}):\n`);
  printTable(
    ledger.map((entry) => ({ ...entry, reference: entry.reference.id })),
    ['created_at', 'unit', 'type', 'available_delta', 'held_delta', 'reference', 'reason'],
  );
}

/** `paybridge credits debit`: the same rules and idempotency as the API's debit. */
export async function debitFromCli(
  ctx: AppContext,
  options: CustomerOptions & { unit: string; amount: string; idempotencyKey: string; reason?: string },
): Promise<void> {
  const parsed = debitInput.safeParse({
    unit: options.unit,
    amount: /^-?\d+$/.test(options.amount) ? Number(options.amount) : options.amount,
    idempotency_key: options.idempotencyKey,
    reason: options.reason,
  });
  if (!parsed.success) throw validationError(parsed.error);
  const customer = await resolveCustomer(ctx.store.db, options.tenant, options.customer);
  const debit = await debitCredits(ctx, options.tenant, customer.id, parsed.data);
  if (options.json) printJson(debit);
  else process.stdout.write(`debited ${debit.amount} ${debit.unit} (paid ${debit.paid}, granted ${debit.granted}) as ${debit.id}\n`);
}

export function registerCreditCommands(program: Command): void {
  const credits = program.command('credits').description("a customer's credits: balances, ledger, debits");
  credits
    .command('show')
    .description('balances per unit (paid, granted, held) and the newest ledger entries')
    .requiredOption('--tenant <tenant_id>', 'the tenant id (ten_…)')
    .requiredOption('--customer <customer>', 'cust_… or ext:{external_id}')
    .option('--entries <n>', 'how many ledger entries to show (0 for none)', '20')
    .option('--json', 'print JSON')
    .action((options: CustomerOptions & { entries: string }) => withContext((ctx) => showCredits(ctx, options)));
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
    .action((options: CustomerOptions & { unit: string; amount: string; idempotencyKey: string; reason?: string }) =>
      withContext((ctx) => debitFromCli(ctx, options)),
    );
}
