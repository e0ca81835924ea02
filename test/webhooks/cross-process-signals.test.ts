import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateInvoice } from '../../src/store/invoices';
import { signStripePayload } from '../../src/webhooks/signature';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { ADMIN_TOKEN, createHarness, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { stripeEvent } from '../support/webhook-delivery';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Polls `check` every 20 ms until it holds or `ms` pass (bounded). */
async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

function counterValue(metrics: string, name: string, kind: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{kind="${kind}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

/**
 * PAYBRIDGE_ROLE=web and a worker in separate processes on one PostgreSQL: the worker's commits
 * reach the web process through LISTEN/NOTIFY, not through an in-process emitter it cannot share.
 */
describe('a web process hears a worker process commit [postgres]', () => {
  let h: TestHarness;
  let web: Awaited<ReturnType<typeof startPaybridgeProcess>> | undefined;
  let worker: ChildProcess | undefined;
  beforeAll(async () => {
    h = await createHarness('postgres');
  });
  afterAll(async () => {
    if (worker?.exitCode === null) worker.kill('SIGKILL');
    if (web?.child.exitCode === null) {
      web.child.kill('SIGTERM');
      await once(web.child, 'exit');
    }
    await h?.close();
  });

  it('learns of the account status and the paid invoice the worker committed, through NOTIFY', async () => {
    const { connection, secret, tenantId } = await insertTestConnection(h, { accountId: 'acct_signals' });
    const env = {
      PAYBRIDGE_DATABASE_URL: h.store.url!,
      PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
      PAYBRIDGE_ADMIN_TOKEN: ADMIN_TOKEN,
      PAYBRIDGE_LOG_LEVEL: 'warn',
    };
    web = await startPaybridgeProcess({ ...env, PAYBRIDGE_ROLE: 'web' });
    // The web process holds its LISTEN connection before anything is committed.
    const listening = await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen paybridge'`.execute(
        h.ctx.store.db,
      );
      return rows[0]!.n > 0;
    }, 10_000);
    expect(listening).toBe(true);

    const created = await h.api('POST', `/api/v1/tenants/${tenantId}/invoices`, {
      connection_id: connection.id,
      customer: { email: 'ada@example.com', name: 'Ada' },
      currency: 'usd',
      lines: [{ description: 'Consulting', quantity: 1, unit_amount: 2000 }],
    });
    expect(created.status).toBe(201);
    await updateInvoice(h.ctx.store.db, created.body.id, { status: 'open', finalized_at: new Date(), updated_at: new Date() });

    // Both events arrive over HTTP at the web process, which stores them; only the worker processes them.
    const events = [
      stripeEvent('account.updated', { id: 'acct_signals', object: 'account', charges_enabled: true, payouts_enabled: false }),
      stripeEvent('payment_intent.succeeded', {
        id: 'pi_signals',
        object: 'payment_intent',
        status: 'succeeded',
        amount: 2000,
        amount_received: 2000,
        currency: 'usd',
        metadata: { paybridge_tenant_id: tenantId, paybridge_payable_type: 'invoice', paybridge_payable_id: created.body.id },
      }),
    ];
    for (const event of events) {
      const body = JSON.stringify(event);
      const response = await fetch(`${web.url}/webhooks/stripe/${connection.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': signStripePayload(body, [secret], Math.floor(Date.now() / 1000)),
        },
        body,
      });
      expect(response.status).toBe(200);
    }

    const metrics = async () => (await fetch(`${web!.url}/metrics`)).text();
    const heardFrom = async (kind: string) => counterValue(await metrics(), 'paybridge_notifications_received_total', kind);
    // Creating the invoice (in this test process) already told the web process about it.
    expect(await waitFor(async () => (await heardFrom('payable')) >= 1, 10_000)).toBe(true);
    const payableBefore = await heardFrom('payable');

    worker = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
      cwd: root,
      env: { ...process.env, ...env, WORKER_IDLE_EXIT_MS: '500' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The worker's two commits: the account status (connection) and the paid invoice (payable).
    const heard = await waitFor(async () => (await heardFrom('connection')) >= 1 && (await heardFrom('payable')) > payableBefore, 60_000);
    expect(heard, await metrics()).toBe(true);

    // What the web process heard is what the worker committed.
    const invoice = await h.api('GET', `/api/v1/tenants/${tenantId}/invoices/${created.body.id}`);
    expect(invoice.body.status).toBe('paid');
    const account = await h.ctx.store.db
      .selectFrom('connections')
      .select('account_status')
      .where('id', '=', connection.id)
      .executeTakeFirstOrThrow();
    expect(account.account_status).toMatchObject({ charges_enabled: true, payouts_enabled: false });
    const types = await h.ctx.store.db.selectFrom('domain_events').select('type').where('tenant_id', '=', tenantId).execute();
    expect(types.map((row) => row.type)).toEqual(expect.arrayContaining(['connection.account_updated', 'invoice.paid']));
  }, 120_000);
});
