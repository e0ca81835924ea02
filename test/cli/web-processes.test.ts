import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStripePayload } from '../../src/webhooks/signature';
import { freePort } from '../support/free-port';
import { ADMIN_TOKEN, createHarness, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { stripeEvent } from '../support/webhook-delivery';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Spawned {
  child: ChildProcess;
  output: () => string;
}

function spawnServe(args: string[], env: Record<string, string>): Spawned {
  const child = spawn(process.execPath, ['bin/paybridge.js', 'serve', ...args], {
    cwd: root,
    env: { ...process.env, PAYBRIDGE_LOG_LEVEL: 'warn', PAYBRIDGE_LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

/** Pids of the processes that logged "Paybridge is running" (each web process logs it once, at info). */
function servingPids(output: string): number[] {
  return output
    .split('\n')
    .filter((line) => line.includes('Paybridge is running at'))
    .map((line) => (JSON.parse(line) as { pid: number }).pid);
}

/** Polls `check` every 50 ms until it holds or `ms` pass (bounded). */
async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Established TCP connections on local `port` whose socket `pid` holds (Linux /proc), i.e. the clients it serves. */
function connectionsHeldBy(pid: number, port: number): number {
  const established = new Set<string>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const localPort = parseInt(fields[1]!.split(':')[1]!, 16);
    if (localPort === port && fields[3] === '01') established.add(fields[9]!);
  }
  let held = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
      if (inode && established.has(inode)) held += 1;
    } catch {
      // closed meanwhile
    }
  }
  return held;
}

/** POST through node:http, so the test chooses the connection (a fresh one per request, or a keep-alive agent's). */
function post(url: string, path: string, body: string, headers: Record<string, string>, agent: Agent | false) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `paybridge serve --web-processes 2` (issue 19): a node:cluster primary and two web processes on one
 * port, on a scratch PostgreSQL database; a separate `PAYBRIDGE_ROLE=worker` process processes.
 */
describe('serve --web-processes 2 [postgres]', () => {
  let h: TestHarness;
  let web: Spawned;
  let url: string;
  let env: Record<string, string>;
  let connectionId: string;
  let secret: string;
  const spawned: Spawned[] = [];

  const signedHeaders = (body: string) => ({
    'content-type': 'application/json',
    'stripe-signature': signStripePayload(body, [secret], Math.floor(Date.now() / 1000)),
  });

  beforeAll(async () => {
    h = await createHarness('postgres');
    const inserted = await insertTestConnection(h, { accountId: 'acct_webcluster' });
    connectionId = inserted.connection.id;
    secret = inserted.secret;
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = {
      PAYBRIDGE_DATABASE_URL: h.store.url!,
      PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
      PAYBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
      PAYBRIDGE_HOST: '127.0.0.1',
      PAYBRIDGE_PORT: String(port),
    };
    web = spawnServe(['--web-processes', '2'], { ...env, PAYBRIDGE_ROLE: 'web' });
    spawned.push(web);
    const started = await waitFor(() => web.child.exitCode !== null || new Set(servingPids(web.output())).size === 2, 60_000);
    if (!started || web.child.exitCode !== null) throw new Error(`the cluster did not start: ${web.output()}`);
  });
  afterAll(async () => {
    for (const { child } of spawned) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await h?.close();
  });

  it('serves one port from two processes forked by the primary', async () => {
    const pids = servingPids(web.output());
    expect(new Set(pids).size).toBe(2);
    for (const pid of pids) expect(parentOf(pid)).toBe(web.child.pid);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('stores an event posted many times, across both processes, once, and a worker process processes it once', async () => {
    const event = stripeEvent('account.updated', {
      id: 'acct_webcluster',
      object: 'account',
      charges_enabled: true,
      payouts_enabled: true,
    });
    const body = JSON.stringify(event);
    // A fresh connection per request: the primary deals connections round-robin, so both processes take some.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(url, `/webhooks/stripe/${connectionId}`, body, signedHeaders(body), false)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(answers.filter((answer) => !(JSON.parse(answer.body) as { duplicate?: boolean }).duplicate)).toHaveLength(1);

    const worker = spawnServe([], { ...env, PAYBRIDGE_ROLE: 'worker', PAYBRIDGE_PORT: '0' });
    spawned.push(worker);
    const db = h.ctx.store.db;
    const rowsOf = () => db.selectFrom('events').select(['id', 'status', 'attempts']).where('stripe_event_id', '=', event.id).execute();
    const processed = await waitFor(async () => (await rowsOf())[0]?.status === 'processed', 60_000);
    expect(processed, worker.output()).toBe(true);
    worker.child.kill('SIGTERM');
    await once(worker.child, 'exit');

    const rows = await rowsOf();
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([['processed', 1]]);
    const attempts = await db.selectFrom('event_attempts').select('outcome').where('event_id', '=', rows[0]!.id).execute();
    expect(attempts).toHaveLength(1);
    const effects = await db.selectFrom('domain_events').select('type').where('stripe_event_id', '=', event.id).execute();
    expect(effects.map((effect) => effect.type)).toEqual(['connection.account_updated']);
  });

  it('loses no acknowledged event when one web process is killed, and the primary starts a new one', async () => {
    const [victim, survivor] = servingPids(web.output());
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const acked: string[] = [];
    let ackedAfterKill = 0;
    let killed = false;
    let heldAtKill: number[] = [];
    const client = async () => {
      // Bounded: each client posts at most 150 events, and stops once 100 were acknowledged after the kill.
      for (let i = 0; i < 150 && ackedAfterKill < 100; i++) {
        const event = stripeEvent('customer.created', { id: `cus_cluster${i}`, object: 'customer', name: 'Ada' });
        const body = JSON.stringify(event);
        try {
          const answer = await post(url, `/webhooks/stripe/${connectionId}`, body, signedHeaders(body), agent);
          if (answer.status >= 200 && answer.status < 300) {
            acked.push(event.id);
            if (killed) ackedAfterKill += 1;
          }
        } catch {
          // the connection went down with the killed process: not acknowledged, so Stripe would retry it
        }
        if (!killed && acked.length >= 100) {
          killed = true;
          heldAtKill = [victim!, survivor!].map((pid) => connectionsHeldBy(pid, Number(new URL(url).port)));
          process.kill(victim!, 'SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    agent.destroy();

    expect(killed).toBe(true);
    // The primary dealt the 8 keep-alive connections to both processes: each was serving some when one died.
    expect(
      heldAtKill.every((held) => held > 0),
      `connections held: ${heldAtKill.join(', ')}`,
    ).toBe(true);
    expect(ackedAfterKill).toBeGreaterThan(0);
    expect(alive(survivor!)).toBe(true);
    const stored = await h.ctx.store.db.selectFrom('events').select('stripe_event_id').where('stripe_event_id', 'in', acked).execute();
    const counts = new Map<string, number>();
    for (const row of stored) counts.set(row.stripe_event_id, (counts.get(row.stripe_event_id) ?? 0) + 1);
    expect(acked.filter((id) => counts.get(id) !== 1)).toEqual([]);
    // The replacement logs its own banner (after a 1 s backoff).
    const replaced = await waitFor(() => servingPids(web.output()).length === 3, 30_000);
    expect(replaced, web.output()).toBe(true);
    const replacement = servingPids(web.output())[2]!;
    expect(parentOf(replacement)).toBe(web.child.pid);
  });

  it('stops every web process on SIGTERM to the primary', async () => {
    const pids = servingPids(web.output()).filter(alive);
    expect(pids).toHaveLength(2);
    web.child.kill('SIGTERM');
    const [code] = (await once(web.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  });
});

describe('serve --web-processes, refused settings', () => {
  it('refuses a count that is not a whole number from 1 to 64', async () => {
    const serve = spawnServe(['--web-processes', '0'], { PAYBRIDGE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    const [code] = (await once(serve.child, 'exit')) as [number];
    expect(code).toBe(2);
    expect(serve.output()).toContain('PAYBRIDGE_WEB_PROCESSES: must be at least 1');
  });

  it('refuses more than one web process on the embedded store, and in a worker-only process', async () => {
    const embedded = spawnServe(['--web-processes', '2'], { PAYBRIDGE_DATABASE_URL: '', PAYBRIDGE_DATA_DIR: '/nonexistent/pb' });
    const [embeddedCode] = (await once(embedded.child, 'exit')) as [number];
    expect(embeddedCode).toBe(1);
    expect(embedded.output()).toContain('needs PAYBRIDGE_DATABASE_URL');
    const worker = spawnServe([], {
      PAYBRIDGE_WEB_PROCESSES: '2',
      PAYBRIDGE_ROLE: 'worker',
      PAYBRIDGE_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    const [workerCode] = (await once(worker.child, 'exit')) as [number];
    expect(workerCode).toBe(1);
    expect(worker.output()).toContain('PAYBRIDGE_ROLE=worker serves no port');
  });
});
