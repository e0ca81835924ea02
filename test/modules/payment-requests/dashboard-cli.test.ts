import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient } from '../../dashboard/dashboard-client';
import { createTenant, settle, useSandbox, type BillingWorld, useConnectedWorld, type ConnectedWorld } from '../../invoices/support';
import { ADMIN_TOKEN } from '../../support/test-context';
import { control, requestBody } from './support';

const sandbox = useSandbox();
const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('payment requests in the dashboard and the CLI [postgres]', () => {
  const connected = useConnectedWorld(sandbox);
  let world: BillingWorld;
  let tenantId: string;
  let connectionId: string;
  let api: ConnectedWorld['api'];
  beforeAll(() => ({ world, tenantId, connectionId, api } = connected()));

  it('lists requests with a status filter, shows one with its timeline, and cancels from the page', async () => {
    const paid = await api('POST', '/payment-requests', requestBody(connectionId, { method: 'payment_link', flow_id: 'chat-9' }));
    await control(sandbox(), `/checkout/sessions/${paid.body.checkout_session_id}/pay`);
    await settle(world, sandbox());
    const open = await api('POST', '/payment-requests', requestBody(connectionId, { description: 'Open one' }));

    const browser = new DashboardClient(world.h);
    expect((await browser.signIn(ADMIN_TOKEN)).status).toBe(303);
    const base = `/dashboard/tenants/${tenantId}/payment-requests`;
    const all = await browser.get(base);
    expect(all.status).toBe(200);
    expect(all.text).toContain(paid.body.id);
    expect(all.text).toContain(open.body.id);
    const succeeded = await browser.get(`${base}?status=succeeded`);
    expect(succeeded.text).toContain(paid.body.id);
    expect(succeeded.text).not.toContain(open.body.id);

    const detail = await browser.get(`${base}/${paid.body.id}`);
    expect(detail.status).toBe(200);
    for (const type of ['payment_request.created', 'payment_request.succeeded']) expect(detail.text).toContain(type);
    expect(detail.text).toContain('chat-9');
    expect(detail.text).not.toContain('Cancel request');

    await browser.get(`${base}/${open.body.id}`);
    const canceled = await browser.post(`${base}/${open.body.id}/cancel`);
    expect(canceled.status).toBe(303);
    expect((await api('GET', `/payment-requests/${open.body.id}`)).body.status).toBe('canceled');
    expect((await browser.get(canceled.location!)).text).toContain('payment_request.canceled');

    // Another tenant's request is not found through this tenant's pages.
    const other = await createTenant(world.h, 'Elsewhere');
    expect((await browser.get(`/dashboard/tenants/${other}/payment-requests/${paid.body.id}`)).status).toBe(404);
  });

  function paybridge(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PAYBRIDGE_')) env[name] = value;
    Object.assign(env, {
      PAYBRIDGE_DATABASE_URL: world.h.store.url!,
      PAYBRIDGE_MASTER_KEY: world.h.ctx.config.masterKey!,
      PAYBRIDGE_STRIPE_API_BASE: sandbox().url,
      PAYBRIDGE_LOG_LEVEL: 'warn',
    });
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(root, 'bin', 'paybridge.js'), ...args],
        { cwd: root, env, timeout: 60_000, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  it('paybridge payment-requests create, show and list; bad input is one clear line', async () => {
    const created = await paybridge([
      'payment-requests',
      'create',
      '--tenant',
      tenantId,
      '--connection',
      connectionId,
      '--amount',
      '1500',
      '--currency',
      'eur',
      '--flow',
      'cli-flow',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const request = JSON.parse(created.stdout);
    expect(request).toMatchObject({ status: 'pending', method: 'payment_link', amount: 1500, currency: 'EUR', flow_id: 'cli-flow' });

    const shown = await paybridge(['payment-requests', 'show', '--tenant', tenantId, '--id', request.id]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ request: { id: request.id }, timeline: [{ type: 'payment_request.created' }] });

    const listed = await paybridge(['payment-requests', 'list', '--tenant', tenantId, '--status', 'pending']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).data.map((r: any) => r.id)).toContain(request.id);

    const bad = await paybridge([
      'payment-requests',
      'create',
      '--tenant',
      tenantId,
      '--connection',
      connectionId,
      '--amount',
      '12.5',
      '--currency',
      'usd',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error \(validation_failed\) in amount: amount: .*whole number/);
  }, 120_000);
});
