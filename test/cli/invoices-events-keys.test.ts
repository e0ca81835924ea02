import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type AccountCredentials, type RunningSandbox } from '../../sandbox/index';
import { runPaybridge, type CliRun } from '../support/run-cli';

/**
 * The real `paybridge` binary in child processes (embedded store in a temporary data dir, Stripe calls
 * to an in-process sandbox): the invoice and event commands, `--since` dates, and the master key kept
 * off the command line.
 */

type Run = CliRun;

let dataDir = '';
let sandbox: RunningSandbox | undefined;
let account: AccountCredentials;

function paybridge(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return runPaybridge(args, {
    input: options.input,
    env: { PAYBRIDGE_DATA_DIR: dataDir, PAYBRIDGE_STRIPE_API_BASE: sandbox!.url, ...options.env },
  });
}

const show = (run: Run) => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paybridge-cli-more-'));
  sandbox = await startSandbox({ port: 0 });
  account = await sandbox.createAccount({ email: 'cli-more@example.com' });
});

afterAll(async () => {
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('paybridge invoices, events and keys commands', () => {
  it('creates, finalizes, lists and shows an invoice; backfills since an ISO date; lists and shows the events', async () => {
    const tenant = await paybridge(['tenants', 'create', '--name', 'Invoice Co', '--json']);
    expect(tenant.code, show(tenant)).toBe(0);
    const tenantId = JSON.parse(tenant.stdout).id as string;
    const connection = await paybridge([
      ...['connections', 'add', '--tenant', tenantId, '--name', 'Main', '--secret-key', account.secret_key],
      ...['--webhook-secret', 'whsec_cliMore0123456789abcdefABCDEF', '--manual', '--json'],
    ]);
    expect(connection.code, show(connection)).toBe(0);
    const connectionId = JSON.parse(connection.stdout).id as string;

    const badLine = await paybridge([
      ...['invoices', 'create', '--tenant', tenantId, '--connection', connectionId, '--email', 'ada@example.com'],
      ...['--name', 'Ada', '--currency', 'USD', '--line', 'two hours of consulting'],
    ]);
    expect(badLine.code, show(badLine)).toBe(1);
    expect(badLine.stderr).toContain('e.g. "2x1500:Consulting hour"');

    const created = await paybridge([
      ...['invoices', 'create', '--tenant', tenantId, '--connection', connectionId, '--email', 'ada@example.com'],
      ...[
        '--name',
        'Ada',
        '--currency',
        'usd',
        '--line',
        '2x1500:Consulting hour',
        '--line',
        '1x500:Travel',
        '--external-id',
        'INV-7',
        '--json',
      ],
    ]);
    expect(created.code, show(created)).toBe(0);
    const invoice = JSON.parse(created.stdout);
    expect(invoice).toMatchObject({ status: 'draft', currency: 'USD', amount_due: 3500, external_id: 'INV-7' });

    const finalized = await paybridge(['invoices', 'finalize', invoice.id, '--tenant', tenantId]);
    expect(finalized.code, show(finalized)).toBe(0);
    expect(finalized.stdout).toMatch(new RegExp(`${invoice.id} \\(INV-7\\)\\s+open\\s+USD 35\\.00`));
    expect(finalized.stdout).toMatch(/payment link:\s+http:\/\/127\.0\.0\.1:\d+\/pay\//);

    const listed = await paybridge(['invoices', 'list', '--tenant', tenantId, '--status', 'open']);
    expect(listed.code, show(listed)).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${invoice.id}\\s+INV-7\\s+open\\s+USD 35\\.00\\s+ada@example\\.com`));
    const badStatus = await paybridge(['invoices', 'list', '--tenant', tenantId, '--status', 'unpaid']);
    expect(badStatus.code, show(badStatus)).toBe(1);
    expect(badStatus.stderr).toContain('--status must be one of draft, open, paid, void, refunded');

    const shown = await paybridge(['invoices', 'show', invoice.id, '--tenant', tenantId]);
    expect(shown.code, show(shown)).toBe(0);
    expect(shown.stdout).toContain('2 × 1500  Consulting hour  = 30.00');
    const missing = await paybridge(['invoices', 'show', 'inv_doesnotexist', '--tenant', tenantId]);
    expect(missing.code, show(missing)).toBe(1);
    expect(missing.stderr).toContain('not_found');

    const badSince = await paybridge(['events', 'backfill', '--connection', connectionId, '--since', 'yesterday']);
    expect(badSince.code, show(badSince)).toBe(1);
    expect(badSince.stderr).toContain('use an ISO date such as 2026-11-30 or 2026-11-30T08:00:00Z');
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const backfill = await paybridge(['events', 'backfill', '--connection', connectionId, '--since', since]);
    expect(backfill.code, show(backfill)).toBe(0);
    const stored = Number(/stored (\d+) new/.exec(backfill.stdout)?.[1]);
    expect(stored, show(backfill)).toBeGreaterThan(0);

    const events = await paybridge(['events', 'list', '--tenant', tenantId, '--json']);
    expect(events.code, show(events)).toBe(0);
    const page = JSON.parse(events.stdout);
    expect(page.data).toHaveLength(stored);
    const table = await paybridge(['events', 'list', '--tenant', tenantId, '--limit', '1']);
    expect(table.code, show(table)).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+TYPE\s+STATUS/);
    expect(table.stdout).toMatch(/more: --cursor \S+/);
    const event = page.data[0];
    const detail = await paybridge(['events', 'show', event.id, '--tenant', tenantId]);
    expect(detail.code, show(detail)).toBe(0);
    expect(detail.stdout).toContain(`${event.id}  ${event.type}`);
    expect(detail.stdout).toContain(`"id": "${event.stripe_event_id}"`);
  }, 300_000); // fourteen sequential processes: 17 s in CI, more on a loaded machine

  it('takes the new master key from stdin or the environment, never from an argument', async () => {
    const keyFile = join(dataDir, 'master.key');
    const before = readFileSync(keyFile, 'utf8').trim();
    const argument = await paybridge(['keys', 'rotate-master', '--new-key', 'x'.repeat(43) + '=']);
    expect(argument.code, show(argument)).toBe(1);
    expect(argument.stderr).toContain('do not pass the new master key as an argument');
    expect(argument.stderr).toContain('PAYBRIDGE_NEW_MASTER_KEY');
    expect(argument.stderr).toContain('--new-key-stdin');

    const junk = await paybridge(['keys', 'rotate-master', '--new-key-stdin'], { input: 'not a key\n' });
    expect(junk.code, show(junk)).toBe(1);
    expect(junk.stderr).toContain('the new master key from stdin must be 32 random bytes in base64');
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(before);

    const piped = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString('base64');
    const fromStdin = await paybridge(['keys', 'rotate-master', '--new-key-stdin'], { input: `${piped}\n` });
    expect(fromStdin.code, show(fromStdin)).toBe(0);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(piped);
    expect(fromStdin.stdout + fromStdin.stderr).not.toContain(piped);

    const fromEnv = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 53 + 7) % 256)).toString('base64');
    const rotated = await paybridge(['keys', 'rotate-master'], { env: { PAYBRIDGE_NEW_MASTER_KEY: fromEnv } });
    expect(rotated.code, show(rotated)).toBe(0);
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(fromEnv);
  });
});
