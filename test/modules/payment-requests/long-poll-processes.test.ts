import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { connectAuto, createAccount, createTenant } from '../../invoices/support';
import { freePort } from '../../support/free-port';
import { startPaybridgeProcess } from '../../support/paybridge-process';
import { ADMIN_TOKEN, createHarness, type TestHarness } from '../../support/test-context';
import { control, requestBody } from './support';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The long-poll is answered by a web process (PAYBRIDGE_ROLE=web) while a worker in another process
 * applies the payment: the web process learns of the commit through LISTEN/NOTIFY only.
 */
describe('long-poll across processes: web answers what a separate worker committed [postgres]', () => {
  let sandbox: RunningSandbox;
  let h: TestHarness;
  let web: Awaited<ReturnType<typeof startPaybridgeProcess>> | undefined;
  let worker: ChildProcess | undefined;
  let port: number;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, retryBaseMs: 20, maxDeliveryAttempts: 4, deliveryTimeoutMs: 5_000 });
    port = await freePort();
    // The harness registers the webhook endpoint at the web process's URL, so Stripe's deliveries reach it.
    h = await createHarness('postgres', { PAYBRIDGE_STRIPE_API_BASE: sandbox.url, PAYBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    if (web && web.child.exitCode === null) {
      web.child.kill('SIGTERM');
      await once(web.child, 'exit');
    }
    await h?.close();
    await sandbox?.close();
  });

  it('a poll started before the payment returns requires_action, then succeeded, from the worker’s commits', async () => {
    const env = {
      PAYBRIDGE_DATABASE_URL: h.store.url!,
      PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
      PAYBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
      PAYBRIDGE_STRIPE_API_BASE: sandbox.url,
      PAYBRIDGE_LOG_LEVEL: 'warn',
    };
    web = await startPaybridgeProcess({ ...env, PAYBRIDGE_ROLE: 'web', PAYBRIDGE_PORT: String(port) });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen paybridge'`.execute(
        h.ctx.store.db,
      );
      if (rows[0]!.n > 0) break;
      if (Date.now() > deadline) throw new Error('the web process never listened');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const account = await createAccount(sandbox);
    const tenantId = await createTenant(h);
    const connectionId = (await connectAuto(h, tenantId, account)).id;
    const created = await h.api('POST', `/api/v1/tenants/${tenantId}/payment-requests`, requestBody(connectionId));
    expect(created.status).toBe(201);
    const poll = (known: string) =>
      fetch(`${web!.url}/api/v1/tenants/${tenantId}/payment-requests/${created.body.id}?wait=30&known_status=${known}`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      }).then(async (response) => ({ status: response.status, body: (await response.json()) as any }));

    const first = poll('pending');
    await sandbox.stripe(account.secret_key).paymentIntents.confirm(created.body.payment_intent_id, {
      payment_method: 'pm_card_threeDSecure2Required',
      return_url: 'https://shop.example/b',
    });
    expect(await sandbox.waitForDeliveries(15_000)).toBe(true);
    worker = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
      cwd: root,
      env: { ...process.env, ...env, WORKER_IDLE_EXIT_MS: '60000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const answer = await first;
    expect(answer.status).toBe(200);
    expect(answer.body.status).toBe('requires_action');

    const second = poll('requires_action');
    await control(sandbox, `/payment_intents/${created.body.payment_intent_id}/confirm_3ds`);
    const paid = await second;
    expect(paid.body).toMatchObject({ status: 'succeeded', payment_intent_id: created.body.payment_intent_id });
  }, 90_000);
});
