import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { insertEvents, type IncomingEvent } from '../../src/store/events';
import { createHarness, type TestHarness } from '../support/test-context';
import { insertTestConnection } from '../support/test-connections';
import { stripeEvent } from '../support/webhook-delivery';

const root = fileURLToPath(new URL('../../', import.meta.url));

function startWorkerProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/worker-process.ts'], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${stderr}`)), 60_000);
    child.stdout.on('data', () => {
      if (stdout.includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const done = once(child, 'exit').then(() => {
    const line = stdout.split('\n').find((l) => l.startsWith('{'));
    if (!line) throw new Error(`worker printed no result: ${stderr}`);
    return JSON.parse(line) as { workerId: string; handled: number };
  });
  return { child, ready, done };
}

/** Two worker processes on one PostgreSQL database share the queue; no event is handled twice. */
describe('two worker processes on one PostgreSQL', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness('postgres');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('processes every event exactly once between them', async () => {
    const { connection } = await insertTestConnection(h);
    const env = { PAYBRIDGE_DATABASE_URL: h.store.url!, PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!, PAYBRIDGE_LOG_LEVEL: 'warn' };
    const workers = [startWorkerProcess(env), startWorkerProcess(env)];
    try {
      await Promise.all(workers.map((w) => w.ready));
      const total = 1_500;
      const now = new Date();
      const events: IncomingEvent[] = Array.from({ length: total }, (_, i) => {
        const event = stripeEvent('customer.created', { id: `cus_multi${i}`, object: 'customer', metadata: {} });
        return {
          connection_id: connection.id,
          tenant_id: connection.tenant_id,
          stripe_event_id: event.id,
          type: event.type,
          livemode: false,
          api_version: event.api_version,
          stripe_created: event.created,
          object_id: `cus_multi${i}`,
          object_type: 'customer',
          payload: JSON.stringify(event),
          source: 'webhook',
          status: 'received',
          received_at: now,
          next_attempt_at: now,
        };
      });
      for (let i = 0; i < total; i += 500) await insertEvents(h.ctx.store.db, events.slice(i, i + 500));

      const results = await Promise.all(workers.map((w) => w.done));
      expect(results[0]!.handled + results[1]!.handled).toBe(total);
      expect(
        results.every((r) => r.handled > 0),
        JSON.stringify(results),
      ).toBe(true);

      const db = h.ctx.store.db;
      const statuses = await db.selectFrom('events').select(['status', 'attempts']).where('connection_id', '=', connection.id).execute();
      expect(statuses).toHaveLength(total);
      expect(statuses.every((row) => row.status === 'processed' && row.attempts === 1)).toBe(true);
      const attempts = await db
        .selectFrom('event_attempts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(attempts.n)).toBe(total);
      const objects = await db
        .selectFrom('stripe_objects')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('connection_id', '=', connection.id)
        .executeTakeFirstOrThrow();
      expect(Number(objects.n)).toBe(total);
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    }
  }, 180_000);
});
