import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type AccountCredentials, type RunningSandbox } from '../../sandbox/index';
import { buildCli } from '../../src/cli/program';
import { SEALED_COLUMNS } from '../../src/crypto/sealed-columns';
import { createSecretBox } from '../../src/crypto/secret-box';
import { openStore } from '../../src/store/database';

/**
 * The real `paybridge` binary in child processes, on the embedded PostgreSQL of a temporary data dir: only
 * PAYBRIDGE_DATA_DIR is set, plus PAYBRIDGE_STRIPE_API_BASE aimed at an in-process sandbox so the
 * key check never leaves 127.0.0.1. Spawns are few and sequential (each costs over a second) and
 * every one is killed if it outlives its time limit.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'paybridge.js');
const SPAWN_TIMEOUT_MS = 90_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dataDir = '';
let sandbox: RunningSandbox | undefined;
let account: AccountCredentials;

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PAYBRIDGE_')) env[name] = value;
  return { ...env, PAYBRIDGE_DATA_DIR: dataDir, PAYBRIDGE_STRIPE_API_BASE: sandbox!.url };
}

function paybridge(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: { ...baseEnv(), ...extraEnv }, timeout: SPAWN_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const show = (run: Run) => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paybridge-cli-'));
  sandbox = await startSandbox({ port: 0 });
  account = await sandbox.createAccount({ email: 'cli@example.com' });
});

afterAll(async () => {
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('paybridge CLI', () => {
  it('lists its commands in --help, and every command and subcommand answers --help', async () => {
    const help = await paybridge(['--help']);
    expect(help.code, show(help)).toBe(0);
    const listed = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((match) => match[1]);
    for (const command of ['serve', 'migrate', 'tenants', 'connections', 'api-keys', 'keys'])
      expect(listed, help.stdout).toContain(command);
    // `sandbox` comes with another piece of work; when it is there it must be listed like the rest.
    if (buildCli().commands.some((command) => command.name() === 'sandbox')) expect(listed).toContain('sandbox');

    // Every command in the tree, walked in-process (one spawn per command would take half a minute).
    const walk = (command: ReturnType<typeof buildCli>, path: string[]): string[][] =>
      command.commands.flatMap((child) => [
        [...path, child.name()],
        ...walk(child as ReturnType<typeof buildCli>, [...path, child.name()]),
      ]);
    const program = buildCli();
    const paths = walk(program, []);
    expect(paths.map((p) => p.join(' '))).toEqual(
      expect.arrayContaining([
        'tenants create',
        'tenants list',
        'tenants rename',
        'tenants delete',
        'connections add',
        'connections show',
        'connections disable',
        'connections enable',
        'connections remove',
        'api-keys create',
        'keys rotate-master',
      ]),
    );
    for (const path of paths) {
      let command = program as ReturnType<typeof buildCli>;
      for (const name of path) command = command.commands.find((child) => child.name() === name) as typeof command;
      const text = command.helpInformation();
      expect(text, path.join(' ')).toMatch(new RegExp(`^Usage: paybridge ${path.join(' ')}`));
      expect(command.description().length, `${path.join(' ')} has a description`).toBeGreaterThan(5);
    }

    // And one real subcommand --help through the binary.
    const addHelp = await paybridge(['connections', 'add', '--help']);
    expect(addHelp.code, show(addHelp)).toBe(0);
    expect(addHelp.stdout).toMatch(/--secret-key/);
    expect(addHelp.stdout).toMatch(/--publishable-key/);
  });

  it('migrates, creates and lists tenants, and manages a connection from add to remove', async () => {
    const migrate = await paybridge(['migrate']);
    expect(migrate.code, show(migrate)).toBe(0);
    expect(migrate.stdout).toMatch(/applied|up to date/);
    const created = await paybridge(['tenants', 'create', '--name', 'Acme Jobs']);
    expect(created.code, show(created)).toBe(0);
    // The first command that needs secrets generates the embedded master key, readable by its owner only.
    const keyFile = join(dataDir, 'master.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const tenantId = /ten_[0-9A-Za-z]+/.exec(created.stdout)?.[0];
    expect(tenantId, created.stdout).toBeDefined();
    const listed = await paybridge(['tenants', 'list']);
    expect(listed.code, show(listed)).toBe(0);
    expect(listed.stdout).toContain(tenantId);
    expect(listed.stdout).toContain('Acme Jobs');

    const pasted = await paybridge([
      'connections',
      'add',
      '--tenant',
      tenantId!,
      '--name',
      'Main',
      '--secret-key',
      account.publishable_key,
      '--manual',
    ]);
    expect(pasted.code, show(pasted)).not.toBe(0);
    expect(pasted.stderr).toMatch(/publishable_key_as_secret/);
    expect(pasted.stderr).toMatch(/publishable key \(pk_…\)/);
    expect(pasted.stderr).not.toContain(account.publishable_key);

    const signingSecret = 'whsec_cliTest0123456789abcdefABCDEF';
    const add = await paybridge([
      'connections',
      'add',
      '--tenant',
      tenantId!,
      '--name',
      'Main',
      '--secret-key',
      account.secret_key,
      '--publishable-key',
      account.publishable_key,
      '--webhook-secret',
      signingSecret,
      '--manual',
      '--json',
    ]);
    expect(add.code, show(add)).toBe(0);
    const connection = JSON.parse(add.stdout);
    expect(connection).toMatchObject({ tenant_id: tenantId, mode: 'test', is_active: true, webhook_setup: 'manual' });
    expect(add.stdout + add.stderr).not.toContain(account.secret_key);
    expect(add.stdout + add.stderr).not.toContain(signingSecret);

    const shown = await paybridge(['connections', 'show', connection.id]);
    expect(shown.code, show(shown)).toBe(0);
    expect(shown.stdout).toContain(connection.id);
    expect(shown.stdout).toContain(`/webhooks/stripe/${connection.id}`);
    expect(shown.stdout).toContain(connection.secret_key_hint);
    expect(shown.stdout).not.toContain(account.secret_key);

    const disabled = await paybridge(['connections', 'disable', connection.id, '--json']);
    expect(disabled.code, show(disabled)).toBe(0);
    expect(JSON.parse(disabled.stdout)).toMatchObject({ is_active: false, status: 'disabled' });
    const enabled = await paybridge(['connections', 'enable', connection.id, '--json']);
    expect(enabled.code, show(enabled)).toBe(0);
    expect(JSON.parse(enabled.stdout)).toMatchObject({ is_active: true });

    // keys rotate-master: the key file is replaced (still 0600) and the new key opens every secret.
    const oldKey = readFileSync(keyFile, 'utf8').trim();
    const rotated = await paybridge(['keys', 'rotate-master']);
    expect(rotated.code, show(rotated)).toBe(0);
    expect(rotated.stdout).toMatch(/re-encrypted [1-9]\d* secret/);
    const newKey = readFileSync(keyFile, 'utf8').trim();
    expect(newKey).not.toBe(oldKey);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(rotated.stdout + rotated.stderr).not.toContain(newKey);
    const store = await openStore({ dataDir });
    try {
      const oldBox = createSecretBox(oldKey);
      const newBox = createSecretBox(newKey);
      const opened: string[] = [];
      for (const entry of SEALED_COLUMNS) {
        const rows = await sql<{
          id: string;
          sealed: string;
        }>`select id, ${sql.ref(entry.column)} as sealed from ${sql.table(entry.table)}`.execute(store.db);
        for (const row of rows.rows) {
          expect(() => oldBox.open(row.sealed, entry.binding(row.id))).toThrow();
          opened.push(newBox.open(row.sealed, entry.binding(row.id)));
        }
      }
      expect(opened).toEqual(expect.arrayContaining([account.secret_key, signingSecret]));
    } finally {
      await store.close();
    }

    const removed = await paybridge(['connections', 'remove', connection.id, '--json']);
    expect(removed.code, show(removed)).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ status: 'disconnected', is_active: false });
  }, 300_000); // ten sequential processes: ~1.5 s each when idle, over 10 s each on a loaded 2-core machine

  it('renames a tenant and deletes it only with --yes, after saying what deleting does', async () => {
    const created = await paybridge(['tenants', 'create', '--name', 'Short Lived']);
    expect(created.code, show(created)).toBe(0);
    const tenantId = /ten_[0-9A-Za-z]+/.exec(created.stdout)![0];
    const renamed = await paybridge(['tenants', 'rename', '--tenant', tenantId, '--name', 'Shorter Lived']);
    expect(renamed.code, show(renamed)).toBe(0);
    expect(renamed.stdout).toContain(`renamed tenant ${tenantId} to Shorter Lived`);
    const dryRun = await paybridge(['tenants', 'delete', '--tenant', tenantId]);
    expect(dryRun.code, show(dryRun)).toBe(0);
    expect(dryRun.stdout).toMatch(/stay as history[\s\S]*Run again with --yes/);
    const deleted = await paybridge(['tenants', 'delete', '--tenant', tenantId, '--yes']);
    expect(deleted.code, show(deleted)).toBe(0);
    expect(deleted.stdout).toContain(`deleted tenant ${tenantId} (Shorter Lived)`);
    const again = await paybridge(['tenants', 'rename', '--tenant', tenantId, '--name', 'Back']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/error \(not_found\)/);
  }, 300_000); // five sequential processes

  it('exits 2 naming the variable when the configuration is bad', async () => {
    const run = await paybridge(['tenants', 'list'], { PAYBRIDGE_PORT: 'eighty' });
    expect(run.code, show(run)).toBe(2);
    expect(run.stderr).toMatch(/PAYBRIDGE_PORT/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
