import { Command } from 'commander';
import { registerConnectionCommands } from './connections-command';
import { registerDemoCommand } from './demo-command';
import { registerEventCommands } from './events-command';
import { registerInvoiceCommands } from './invoices-command';
import { registerKeysCommands } from './keys-command';
import { registerMigrateCommand } from './migrate-command';
import { registerMigrateEmbeddedCommand } from './migrate-embedded-command';
import { registerSandboxCommand } from './sandbox-command';
import { registerServeCommand } from './serve-command';
import { registerTenantCommands } from './tenants-command';
import { registerCreditCommands } from '../modules/credits/command';
import { registerCustomerCommands } from '../modules/customers/command';
import { registerEntitlementCommands } from '../modules/entitlements/command';
import { registerPaymentRequestCommands } from '../modules/payment-requests/command';
import { registerCatalogCommands } from '../modules/catalog/command';
import { registerWebhookCommands } from '../modules/outbound-webhooks/command';

/** The `paybridge` command line; every command has --help. Configuration comes from PAYBRIDGE_* variables. */
export function buildCli(): Command {
  const program = new Command('paybridge')
    .description("Paybridge — Stripe connections, webhooks and billing state for your platform's tenants")
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerMigrateEmbeddedCommand(program);
  registerSandboxCommand(program);
  registerDemoCommand(program);
  registerTenantCommands(program);
  registerConnectionCommands(program);
  registerEventCommands(program);
  registerInvoiceCommands(program);
  registerKeysCommands(program);
  registerCreditCommands(program);
  registerCustomerCommands(program);
  registerEntitlementCommands(program);
  registerPaymentRequestCommands(program);
  registerCatalogCommands(program);
  registerWebhookCommands(program);
  return program;
}
