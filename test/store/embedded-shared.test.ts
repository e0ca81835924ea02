import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index';
import { signStripePayload } from '../../src/webhooks/signature';
import { freePort } from '../support/free-port';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { postmasterPid } from '../support/postmaster-pid';
import { stripeEvent } from '../support/webhook-delivery';

/**
 * The embedded store with real processes on one data directory, as a user runs it: `npm start` (here
 * `paybridge serve`) in one process, CLI commands in others. Reproduces issue 13's split brain: each
 * side must see what the other wrote, a CLI replay must reach the running server's worker, and all of
 * it must survive a restart and a kill -9.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'paybridge.js');
const WEBHOOK_SECRET = 'whsec_embeddedshared0123456789abcdef';

let dataDir = '';
let sandbox: RunningSandbox | undefined;
const started: ChildProcess[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PAYBRIDGE_') && value !== undefined) clean[name] = value;
  return { ...clean, PAYBRIDGE_DATA_DIR: dataDir, PAYBRIDGE_STRIPE_API_BASE: sandbox!.url, PAYBRIDGE_LOG_LEVEL: 'warn', ...extra };
}

function cli(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, env: env(extra), timeout: 120_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

async function serve(extra: Record<string, string> = {}) {
  // startPaybridgeProcess merges process.env; PAYBRIDGE_* from the test's own environment must not leak in.
  const server = await startPaybridgeProcess({ ...env(extra), PAYBRIDGE_DATABASE_URL: '' });
  started.push(server.child);
  return server;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'paybridge-embedded-'));
  sandbox = await startSandbox({ port: 0 });
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(started.map(exited));
  await cli(['migrate']); // the last process out stops the cluster, also after a kill -9 above
  await sandbox?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// Each CLI command is a Node process that joins (and may start) PostgreSQL: seconds each on a busy machine.
describe('embedded PostgreSQL shared by the server and CLI processes on one data directory', { timeout: 180_000 }, () => {
  let url = '';
  let adminToken = '';
  let tenantId = '';
  let connectionId = '';
  let eventId = '';

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('first start: the admin token goes to a 0600 file in the data directory, never to stdout', async () => {
    const server = await serve();
    url = server.url;
    const tokenFile = join(dataDir, 'admin-token');
    // The file is written first, then stdout names it.
    await waitFor('stdout to name the admin token file', async () => (server.output().includes(tokenFile) ? true : undefined));
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    adminToken = readFileSync(tokenFile, 'utf8').trim();
    expect(adminToken).toMatch(/^pb_admin_/);
    expect(server.output()).not.toContain(adminToken);
    expect((await api('GET', '/api/v1/tenants')).status).toBe(200);
  });

  it('a tenant created by the CLI is listed by the running server, and one created through the API by the CLI', async () => {
    const created = await cli(['tenants', 'create', '--name', 'CLI Tenant']);
    expect(created.code, created.stderr).toBe(0);
    tenantId = /ten_[0-9A-Za-z]+/.exec(created.stdout)![0];
    const listed = await api('GET', '/api/v1/tenants');
    expect(listed.body.data.map((t: { id: string }) => t.id)).toContain(tenantId);

    const viaApi = await api('POST', '/api/v1/tenants', { name: 'API Tenant' });
    expect(viaApi.status).toBe(201);
    const cliList = await cli(['tenants', 'list']);
    expect(cliList.code, cliList.stderr).toBe(0);
    expect(cliList.stdout).toContain(viaApi.body.id);
    expect(cliList.stdout).toContain(tenantId);
  });

  it("a CLI replay is processed by the running server's worker", async () => {
    const account = await sandbox!.createAccount({ email: 'embedded@example.com' });
    const connection = await api('POST', `/api/v1/tenants/${tenantId}/connections`, {
      name: 'Main',
      secret_key: account.secret_key,
      webhook_setup: 'manual',
      webhook_secret: WEBHOOK_SECRET,
    });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    connectionId = connection.body.id;
    const event = stripeEvent('customer.created', { id: 'cus_embedded1', object: 'customer', email: 'a@example.com', created: 1 });
    const body = JSON.stringify(event);
    const delivered = await fetch(`${url}/webhooks/stripe/${connectionId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signStripePayload(body, [WEBHOOK_SECRET], Math.floor(Date.now() / 1000)),
      },
      body,
    });
    expect(delivered.status).toBe(200);
    // The API and the CLI name events by Paybridge's own id (ev_…), found here by Stripe's.
    const first = await waitFor('the first processing', async () => {
      const list = await api('GET', `/api/v1/tenants/${tenantId}/events`);
      const row = (list.body.data ?? []).find((e: { stripe_event_id: string }) => e.stripe_event_id === event.id);
      return row?.status === 'processed' ? (await api('GET', `/api/v1/tenants/${tenantId}/events/${row.id}`)).body : undefined;
    });
    eventId = first.id;
    const path = `/api/v1/tenants/${tenantId}/events/${eventId}`;

    const replay = await cli(['events', 'replay', '--tenant', tenantId, '--id', eventId]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stdout).toContain('requeued 1 event(s)');
    const again = await waitFor('the replay to be processed', async () => {
      const view = await api('GET', path);
      return view.body.status === 'processed' && view.body.attempts_log.length > first.attempts_log.length ? view.body : undefined;
    });
    expect(again.processed_at > first.processed_at).toBe(true);
  });

  it('refuses a second server on the same data directory, naming it, while the first keeps serving', async () => {
    const second = await cli(['serve'], { PAYBRIDGE_PORT: String(await freePort()) });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`already running on the data directory ${dataDir}`);
    expect(second.stderr).toContain('PAYBRIDGE_DATA_DIR');
    expect(second.stdout).not.toMatch(/pb_admin_/);
    expect((await api('GET', '/api/v1/tenants')).status).toBe(200);
  });

  it('a web-only server and a separate worker process share it: the worker processes what the web process stored', async () => {
    const running = started.at(-1)!;
    running.kill('SIGTERM');
    expect(await exited(running)).toBe(0);
    const worker = spawn(process.execPath, [bin, 'serve'], {
      cwd: root,
      env: env({ PAYBRIDGE_ROLE: 'worker' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(worker);
    let workerOutput = '';
    worker.stdout!.on('data', (chunk) => (workerOutput += chunk));
    worker.stderr!.on('data', (chunk) => (workerOutput += chunk));
    await waitFor('the worker to start', async () => (workerOutput.includes('Paybridge worker is running') ? true : undefined));
    expect(workerOutput).toContain(`embedded PostgreSQL in ${dataDir}/postgres`);
    // Started after the worker, so the next tests find the web server as the newest process.
    const web = await serve({ PAYBRIDGE_ROLE: 'web' });
    url = web.url;

    const event = stripeEvent('customer.created', { id: 'cus_embedded2', object: 'customer', email: 'b@example.com', created: 2 });
    const body = JSON.stringify(event);
    const delivered = await fetch(`${url}/webhooks/stripe/${connectionId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signStripePayload(body, [WEBHOOK_SECRET], Math.floor(Date.now() / 1000)),
      },
      body,
    });
    expect(delivered.status).toBe(200);
    // The web process runs no worker (PAYBRIDGE_ROLE=web), so only the other process can have processed it.
    const processed = await waitFor('the worker process to process the event', async () => {
      const list = await api('GET', `/api/v1/tenants/${tenantId}/events`);
      const row = (list.body.data ?? []).find((e: { stripe_event_id: string }) => e.stripe_event_id === event.id);
      return row?.status === 'processed' ? row : undefined;
    });
    expect(processed.status).toBe('processed');

    worker.kill('SIGTERM');
    expect(await exited(worker)).toBe(0);
    expect(postmasterPid(dataDir), 'the web process still uses PostgreSQL, so the worker leaving does not stop it').toBeDefined();
    expect((await api('GET', '/api/v1/tenants')).status).toBe(200);
  });

  it('keeps everything across a clean restart, and stops the embedded PostgreSQL with the last process', async () => {
    const running = started.at(-1)!;
    running.kill('SIGTERM');
    expect(await exited(running)).toBe(0);
    expect(postmasterPid(dataDir), 'the server, last process out, stopped PostgreSQL').toBeUndefined();

    const server = await serve();
    url = server.url;
    const listed = await api('GET', '/api/v1/tenants');
    expect(listed.body.data.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['CLI Tenant', 'API Tenant']));
    const event = await api('GET', `/api/v1/tenants/${tenantId}/events/${eventId}`);
    expect(event.body.status).toBe('processed');
    expect(server.output()).not.toMatch(/pb_admin_/);
  });

  let afterBothKilled: Awaited<ReturnType<typeof serve>> | undefined;
  it('recovers by itself after kill -9 of the server, and of the server and PostgreSQL together', async () => {
    const server = started.at(-1)!;
    server.kill('SIGKILL');
    await exited(server);
    const afterServerKill = await serve();
    url = afterServerKill.url;
    expect((await api('GET', '/api/v1/tenants')).body.data.length).toBe(2);

    const pid = postmasterPid(dataDir)!;
    afterServerKill.child.kill('SIGKILL');
    process.kill(pid, 'SIGKILL');
    await exited(afterServerKill.child);
    expect(postmasterPid(dataDir), 'a stale postmaster.pid is left behind').toBe(pid);
    afterBothKilled = await serve();
    url = afterBothKilled.url;
    expect((await api('GET', '/api/v1/tenants')).body.data.length).toBe(2);
    expect(postmasterPid(dataDir)).not.toBe(pid);
  });

  it('a running server starts its PostgreSQL again when only PostgreSQL is killed', async () => {
    const pid = postmasterPid(dataDir)!;
    process.kill(pid, 'SIGKILL');
    const answered = await waitFor('the API to answer again', async () => {
      const server = afterBothKilled!;
      if (server.child.exitCode !== null)
        throw new Error(`the server exited (${server.child.exitCode}) instead:\n${server.output().slice(-4000)}`);
      try {
        const listed = await api('GET', '/api/v1/tenants');
        return listed.status === 200 && postmasterPid(dataDir) !== pid ? listed.body : undefined;
      } catch {
        return undefined;
      }
    });
    expect(answered.data.length).toBe(2);
  });
});

describe('a start that must fail does so before any admin token exists', { timeout: 180_000 }, () => {
  it('a second server on a taken PAYBRIDGE_PORT fails naming the variable, and generates no token', async () => {
    const ownDir = mkdtempSync(join(tmpdir(), 'paybridge-port-'));
    const blocker = await startSandbox({ port: 0 });
    try {
      const port = new URL(blocker.url).port;
      const failed = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [bin, 'serve'],
          { cwd: root, env: { ...env(), PAYBRIDGE_DATA_DIR: ownDir, PAYBRIDGE_PORT: port }, timeout: 120_000, killSignal: 'SIGKILL' },
          (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
        );
      });
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(`PAYBRIDGE_PORT=${port}`);
      expect(failed.stdout + failed.stderr).not.toMatch(/pb_admin_/);
      expect(existsSync(join(ownDir, 'admin-token'))).toBe(false);
      expect(existsSync(join(ownDir, 'postgres', 'pgdata', 'postmaster.pid')), 'the failed start stopped its PostgreSQL').toBe(false);
    } finally {
      await blocker.close();
      rmSync(ownDir, { recursive: true, force: true });
    }
  });
});
