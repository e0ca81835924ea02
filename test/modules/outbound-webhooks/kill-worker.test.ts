import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundDispatcher } from '../../../src/modules/outbound-webhooks/dispatcher';
import { listDomainEventsAfter } from '../../../src/store/domain-events';
import { createHarness, type TestHarness } from '../../support/test-context';
import { createEndpoint, createTenant, recordEvents, startReceiver, verifyWith, type Receiver } from './support';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('kill -9 of a delivering worker process', () => {
  let h: TestHarness;
  let receiver: Receiver;

  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true' });
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  it('delivers every domain event at least once, with the same webhook-id, after the worker dies mid-flight', async () => {
    let holding = true;
    // While holding, answers come too late: the worker is killed with its requests in flight.
    receiver = await startReceiver(() => (holding ? { status: 200, delayMs: 60_000 } : { status: 200 }));
    const tenantId = await createTenant(h);
    const endpoint = await createEndpoint(h, tenantId, { url: receiver.url });
    await recordEvents(
      h,
      tenantId,
      Array.from({ length: 30 }, (_, i) => ({ type: 'invoice.paid', object: { type: 'invoice', id: `inv_kill${i}` } })),
    );

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/modules/outbound-webhooks/dispatcher-process.ts'], {
      cwd: root,
      env: {
        ...process.env,
        PAYBRIDGE_DATABASE_URL: h.store.url!,
        PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
        PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true',
        PAYBRIDGE_LOG_LEVEL: 'warn',
        OUTBOUND_LEASE_MS: '2000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = once(child, 'exit');
    try {
      await until(() => receiver.requests.length >= 10, 60_000, `the worker to send deliveries (stderr: ${stderr})`);
      // Let the claims that are under way reach the receiver too.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const beforeKill = receiver.requests.length;
    holding = false;

    // The killed worker's leases run out; another worker sends the same deliveries again.
    const dispatcher = new OutboundDispatcher(h.ctx);
    await until(
      async () => {
        await dispatcher.runOnce();
        const log = await h.api(
          'GET',
          `/api/v1/tenants/${tenantId}/webhook-endpoints/${endpoint.id}/deliveries?status=succeeded&limit=100`,
        );
        return log.body.data.length === 30;
      },
      30_000,
      'the deliveries to be sent again',
    );

    const events = await listDomainEventsAfter(h.ctx.store.db, tenantId, 0, { limit: 100 });
    expect(events).toHaveLength(30);
    const byId = new Map<string, string[]>();
    for (const request of receiver.requests) {
      verifyWith(endpoint.secret, request);
      const id = String(request.headers['webhook-id']);
      byId.set(id, [...(byId.get(id) ?? []), request.body]);
    }
    // Every domain event arrived, under its own id, with the same body each time.
    expect([...byId.keys()].sort()).toEqual(events.map((event) => event.id).sort());
    for (const bodies of byId.values()) expect(new Set(bodies).size).toBe(1);
    // The ones in flight at the kill came twice (before and after), the others once.
    const inFlightAtKill = new Set(receiver.requests.slice(0, beforeKill).map((request) => String(request.headers['webhook-id'])));
    expect(inFlightAtKill.size).toBe(beforeKill);
    for (const id of inFlightAtKill) expect(byId.get(id)).toHaveLength(2);
    expect(receiver.requests.length).toBe(30 + beforeKill);
  }, 120_000);
});
