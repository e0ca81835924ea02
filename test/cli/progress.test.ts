import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/index';
import { generateMasterKey } from '../../src/crypto/secret-box';
import { startServer, type RunningServer } from '../../src/server';
import { startWorkers, type RunningWorkers } from '../../src/workers';
import { freePort } from '../support/free-port';
import { runPaybridge, type CliRun } from '../support/run-cli';
import { createHarness, type TestHarness } from '../support/test-context';

/**
 * Progress of `paybridge events backfill`, `events replay` and `catalog import` (issue 20), the real binary in a child
 * process whose stderr is a pipe, against a running server and workers on one PostgreSQL and the
 * Stripe sandbox: plain progress lines, no redrawn bar, the last one at the total, exit 0. The replay
 * progress is also polled through the API.
 */
const PRODUCTS = 40;

type Run = CliRun;

describe('progress of backfill, replay and catalog import in the CLI, and of replay in the API', () => {
  let sandbox: RunningSandbox;
  let h: TestHarness;
  let server: RunningServer;
  let workers: RunningWorkers | undefined;
  let tenantId = '';
  let connectionId = '';
  const masterKey = generateMasterKey();

  const paybridge = (args: string[]): Promise<Run> =>
    runPaybridge(args, {
      env: {
        PAYBRIDGE_DATABASE_URL: h.store.url!,
        PAYBRIDGE_MASTER_KEY: masterKey,
        PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
        PAYBRIDGE_LOG_LEVEL: 'warn',
      },
    });
  const show = (run: Run) => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
  const progressLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('['));

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const port = await freePort();
    h = await createHarness('postgres', {
      PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
      PAYBRIDGE_MASTER_KEY: masterKey,
      PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      PAYBRIDGE_LOG_LEVEL: 'warn',
    });
    server = await startServer(h.ctx, { host: '127.0.0.1', port });
    workers = startWorkers(h.ctx, { maintenance: false, worker: { idlePollMs: 100 } });
    const account = await sandbox.createAccount({ email: 'progress@example.com' });
    tenantId = (await h.api('POST', '/api/v1/tenants', { name: 'Progress Co' })).body.id;
    const connection = await h.api('POST', `/api/v1/tenants/${tenantId}/connections`, {
      name: 'Main',
      secret_key: account.secret_key,
      webhook_setup: 'manual',
      webhook_secret: 'whsec_progress0123456789abcdefABCDEF',
      features: ['catalog'],
    });
    expect(connection.status, JSON.stringify(connection.body)).toBe(201);
    connectionId = connection.body.id;
    const stripe = new Stripe(account.secret_key, { host: '127.0.0.1', port: new URL(sandbox.url).port, protocol: 'http' });
    for (let n = 0; n < PRODUCTS; n += 1) await stripe.products.create({ name: `Product ${n}` });
  }, 60_000);

  afterAll(async () => {
    await workers?.stop();
    await server?.close();
    await h?.close();
    await sandbox?.close();
  });

  it('backfill: plain lines of the window read, the last at 100%, then the counts; exit 0', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const run = await paybridge(['events', 'backfill', '--connection', connectionId, '--since', since]);
    expect(run.code, show(run)).toBe(0);
    expect(run.stderr).not.toContain('\r');
    const lines = progressLines(run.stderr);
    expect(lines.length, show(run)).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(new RegExp(`^\\[#{30}\\] 100% 60 of 60 minutes .*\\(${PRODUCTS} events read\\)$`));
    expect(run.stdout).toContain(`fetched ${PRODUCTS}, stored ${PRODUCTS} new`);
  });

  it('replay: waits for the running workers, plain lines up to N/N, then says they were processed; exit 0', async () => {
    // The backfilled events are processed first, so the replay starts from a quiet queue.
    await expect.poll(async () => (await h.api('GET', `/api/v1/tenants/${tenantId}/events?status=received`)).body.data.length).toBe(0);
    const run = await paybridge(['events', 'replay', '--tenant', tenantId, '--type', 'product.created']);
    expect(run.code, show(run)).toBe(0);
    expect(run.stdout).toContain(`requeued ${PRODUCTS} event(s)`);
    expect(run.stdout).toContain(`processed ${PRODUCTS} replayed event(s)`);
    expect(run.stderr).not.toContain('\r');
    const lines = progressLines(run.stderr);
    expect(lines.at(-1), show(run)).toMatch(new RegExp(`^\\[#{30}\\] 100% ${PRODUCTS}/${PRODUCTS}`));
    const attempts = await h.ctx.store.db
      .selectFrom('events')
      .select('attempts')
      .where('tenant_id', '=', tenantId)
      .where('type', '=', 'product.created')
      .execute();
    expect(attempts.map((row) => row.attempts)).toEqual(Array(PRODUCTS).fill(2));
  });

  it('catalog import: the same plain lines, the last at the total Stripe reported, then the counts; exit 0', async () => {
    const run = await paybridge(['catalog', 'import', '--connection', connectionId]);
    expect(run.code, show(run)).toBe(0);
    expect(run.stderr).not.toContain('\r');
    expect(progressLines(run.stderr).at(-1), show(run)).toMatch(
      new RegExp(`^\\[#{30}\\] 100% ${PRODUCTS}/${PRODUCTS} .*\\(${PRODUCTS} products, 0 prices\\)$`),
    );
    expect(run.stdout).toContain(`imported ${PRODUCTS} products and 0 prices`);
  });

  it('replay through the API answers its instant, and its progress reaches the total while the workers run', async () => {
    const replay = await h.api('POST', `/api/v1/tenants/${tenantId}/events/replay`, { type: 'product.created' });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ requeued: PRODUCTS, replayed_at: expect.stringMatching(/Z$/) });
    const query = `replayed_at=${encodeURIComponent(replay.body.replayed_at)}&requeued=${PRODUCTS}`;
    await expect
      .poll(async () => (await h.api('GET', `/api/v1/tenants/${tenantId}/events/replay-progress?${query}`)).body)
      .toEqual({ replayed_at: replay.body.replayed_at, total: PRODUCTS, done: PRODUCTS });
    const bad = await h.api('GET', `/api/v1/tenants/${tenantId}/events/replay-progress?replayed_at=yesterday&requeued=1`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.field).toBe('replayed_at');
  });

  it('replay with no worker running stops waiting after --stall-seconds, says why, and leaves the events queued; exit 0', async () => {
    await workers!.stop();
    workers = undefined;
    const run = await paybridge(['events', 'replay', '--tenant', tenantId, '--type', 'product.created', '--stall-seconds', '1']);
    expect(run.code, show(run)).toBe(0);
    expect(run.stdout).toContain(`requeued ${PRODUCTS} event(s)`);
    expect(run.stdout).not.toContain('processed');
    expect(progressLines(run.stderr).at(-1), show(run)).toMatch(new RegExp(`^\\[-{30}\\]   0% 0/${PRODUCTS}`));
    expect(run.stderr).toContain('no event of this replay finished in 1 s: is a worker running (paybridge serve)?');
    const waiting = await h.api('GET', `/api/v1/tenants/${tenantId}/events?status=received&limit=100`);
    expect(waiting.body.data).toHaveLength(PRODUCTS);
    const bad = await paybridge(['events', 'replay', '--tenant', tenantId, '--type', 'product.created', '--stall-seconds', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--stall-seconds takes a whole number of seconds, 1 or more');
  });
});
