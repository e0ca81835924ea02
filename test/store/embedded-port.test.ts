import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { clusterPaths, ensureCluster, stopCluster } from '../../src/store/embedded/cluster';

/**
 * Running processes connect to the embedded PostgreSQL on the port it had. When it starts again while
 * something briefly holds that port (a connection handed the same number), the start waits for the
 * port instead of moving to another one where nobody looks.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'paybridge-port-'));

afterAll(async () => {
  await stopCluster(dataDir).catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

function hold(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

it('starts again on its remembered port once a brief holder lets go of it', { timeout: 120_000 }, async () => {
  const first = await ensureCluster(dataDir);
  await stopCluster(dataDir);
  const holder = await hold(first.port);
  const released = new Promise<void>((resolve) => setTimeout(() => holder.close(() => resolve()), 1_500));
  const again = await ensureCluster(dataDir);
  await released;
  expect(again.port).toBe(first.port);
  expect(Number(readFileSync(clusterPaths(dataDir).port, 'utf8'))).toBe(first.port);
});

it('with a required port, fails while that port is held instead of starting elsewhere', { timeout: 120_000 }, async () => {
  const running = await ensureCluster(dataDir);
  await stopCluster(dataDir);
  const holder = await hold(running.port);
  try {
    await expect(ensureCluster(dataDir, { port: running.port })).rejects.toThrow(`port ${running.port}`);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
  expect((await ensureCluster(dataDir, { port: running.port })).port).toBe(running.port);
});
