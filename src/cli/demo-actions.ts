import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../sandbox/index';
import { buildContext } from '../bootstrap';
import { loadConfig } from '../config';
import type { AppContext } from '../context';
import { createLogger } from '../logger';
import { startServer, type RunningServer } from '../server';
import { seedDemo } from '../services/demo-service';
import { shutdown } from '../shutdown';
import { startWorkers, type RunningWorkers } from '../workers';
import { reportCliError } from './with-context';

/** Settings the demo decides itself; every other PAYBRIDGE_* variable still applies. */
const OWN_SETTINGS = [
  'PAYBRIDGE_DATABASE_URL',
  'PAYBRIDGE_DATA_DIR',
  'PAYBRIDGE_STRIPE_API_BASE',
  'PAYBRIDGE_PUBLIC_URL',
  'PAYBRIDGE_PORT',
];

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/**
 * `paybridge demo`: the sandbox and Paybridge in this one process, on the embedded store, seeded with
 * a tenant, a connected sandbox account and an open invoice. Prints where to look and what to pay,
 * then runs until SIGINT/SIGTERM, when it stops everything it started and removes its temporary data.
 */
export async function demo(options: { port: string; dataDir?: string }): Promise<void> {
  let sandbox: RunningSandbox | undefined;
  let ctx: AppContext | undefined;
  let server: RunningServer | undefined;
  let workers: RunningWorkers | undefined;
  const temporary = options.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'paybridge-demo-'));
  const stop = async () => {
    await server?.close().catch(() => undefined);
    await workers?.stop().catch(() => undefined);
    if (ctx) await shutdown(ctx);
    await ctx?.store.close().catch(() => undefined);
    await sandbox?.close().catch(() => undefined);
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  };
  try {
    const requested = Number(options.port);
    if (!Number.isInteger(requested) || requested < 0 || requested > 65535)
      throw new Error('--port must be a whole number from 0 to 65535 (0 picks a free port)');
    const port = requested || (await freePort());
    sandbox = await startSandbox({ port: 0 });
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !OWN_SETTINGS.includes(name)));
    const config = loadConfig({
      PAYBRIDGE_LOG_LEVEL: 'warn',
      ...env,
      PAYBRIDGE_DATA_DIR: resolve(options.dataDir ?? temporary!),
      PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
      PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PAYBRIDGE_PORT: String(port),
    });
    ctx = await buildContext(config, { logger: createLogger({ level: config.logLevel, destination: process.stderr as never }) });
    await ctx.store.embedded?.claimServer();
    server = await startServer(ctx, { host: '127.0.0.1', port });
    workers = startWorkers(ctx);
    const account = await sandbox.createAccount({ business_name: 'Demo Shop', email: 'owner@demo.example' });
    const seed = await seedDemo(ctx, { secretKey: account.secret_key, publishableKey: account.publishable_key });
    const dashboard = `${server.url}/dashboard/tenants/${seed.tenantId}`;
    process.stdout.write(
      [
        'Paybridge demo is running (Ctrl-C stops it).',
        `  Stripe sandbox:  ${sandbox.url}`,
        `  Data directory:  ${config.dataDir}${temporary ? ' (temporary, removed at the end)' : ''}`,
        `  Dashboard:       ${dashboard}`,
        `  Sign-in link:    ${server.url}/dashboard/sign-in#token=${seed.signInKey}`,
        `  Invoice:         ${dashboard}/invoices/${seed.invoice.id} (${seed.invoice.currency} ${seed.invoice.amount_due_display}, open)`,
        `  Pay link:        ${seed.invoice.payment_link_url}`,
        '',
        'Open the sign-in link, then pay the invoice with the pay link (the sandbox lists its test cards);',
        'the invoice turns paid on the dashboard a moment later.',
        '',
      ].join('\n'),
    );
  } catch (error) {
    await stop();
    reportCliError(error);
    return;
  }
  const finish = async () => {
    process.stdout.write('stopping the demo…\n');
    await stop();
    process.stdout.write('demo stopped\n');
    process.exit(0);
  };
  process.once('SIGINT', finish);
  process.once('SIGTERM', finish);
}
