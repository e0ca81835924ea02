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

export const show = (options: CustomerOptions & { entries: string }) => withContext((ctx) => showCredits(ctx, options));

export const debit = (options: CustomerOptions & { unit: string; amount: string; idempotencyKey: string; reason?: string }) =>
  withContext((ctx) => debitFromCli(ctx, options));
