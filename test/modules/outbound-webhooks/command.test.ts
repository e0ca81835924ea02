import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundDispatcher } from '../../../src/modules/outbound-webhooks/dispatcher';
import { createHarness, type TestHarness } from '../../support/test-context';
import { createTenant, recordEvents, startReceiver, verifyWith, type Receiver } from './support';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('paybridge webhooks (CLI)', () => {
  let h: TestHarness;
  let receiver: Receiver;

  const paybridge = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = {};
      for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PAYBRIDGE_')) env[name] = value;
      execFile(
        process.execPath,
        [join(root, 'bin', 'paybridge.js'), ...args],
        {
          cwd: root,
          timeout: 90_000,
          killSignal: 'SIGKILL',
          env: {
            ...env,
            PAYBRIDGE_DATABASE_URL: h.store.url!,
            PAYBRIDGE_MASTER_KEY: h.ctx.config.masterKey!,
            PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true',
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    h = await createHarness('postgres', { PAYBRIDGE_OUTBOUND_ALLOW_PRIVATE: 'true' });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await h?.close();
  });

  it('creates an endpoint, shows its delivery log and checks the receiver', async () => {
    const tenantId = await createTenant(h);
    const created = await paybridge(['webhooks', 'create', '--tenant', tenantId, '--url', receiver.url, '--events', 'invoice.paid']);
    expect(created.code, created.stderr).toBe(0);
    const endpoint = JSON.parse(created.stdout);
    expect(endpoint.secret).toMatch(/^whsec_/);

    await recordEvents(h, tenantId, [{ type: 'invoice.paid', object: { type: 'invoice', id: 'inv_cli' } }]);
    await new OutboundDispatcher(h.ctx).drain();
    expect(verifyWith(endpoint.secret, receiver.requests[0]!).data.object_id).toBe('inv_cli');

    const log = await paybridge(['webhooks', 'deliveries', '--tenant', tenantId, '--endpoint', endpoint.id]);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toMatch(/invoice\.paid\s+inv_cli\s+succeeded\s+1\s+200/);

    const bad = await paybridge(['webhooks', 'deliveries', '--tenant', tenantId, '--endpoint', endpoint.id, '--status', 'lost']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--status must be one of');

    // The test receiver answers 200 to everything, forged signatures included: the check says so and exits 1.
    const check = await paybridge(['webhooks', 'check-receiver', '--tenant', tenantId, '--endpoint', endpoint.id]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('verdict: failed');
    expect(check.stdout).toMatch(/failed\s+rejects_forged_signature/);
  }, 120_000);
});
