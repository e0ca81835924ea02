import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startPaybridgeProcess } from '../support/paybridge-process';
import { postmasterPid } from '../support/postmaster-pid';
import { OFFLINE_STRIPE, waitFor } from './chaos-support';

/**
 * The embedded PostgreSQL's postmaster killed again and again under a running `paybridge serve`, each
 * kill as soon as the API answers on the last restart, so some land while the server's member
 * connection is still joining. Two busy processes keep both cores loaded, which stretches the
 * restarts as a busy CI machine does. Before each member connection listened for 'error' from its
 * creation, one of the first three to six kills ended the server with an unhandled 'error' event.
 * About one run in ten still ends it at the first kill, through graphile-worker 0.16's cron: a known
 * limit (RELIABILITY.md).
 */
const ROUNDS = 15;
const dataDir = mkdtempSync(join(tmpdir(), 'paybridge-postmaster-kills-'));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it(`a running server outlives ${ROUNDS} kills of its embedded PostgreSQL and answers after each`, async () => {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PAYBRIDGE_') && value !== undefined) env[name] = value;
  const server = await startPaybridgeProcess({ ...env, ...OFFLINE_STRIPE, PAYBRIDGE_DATA_DIR: dataDir });
  // The server writes the token file after it starts answering, then names it on stdout.
  const tokenFile = join(dataDir, 'admin-token');
  expect(await waitFor(async () => server.output().includes(tokenFile), 30_000), 'stdout to name the admin token file').toBe(true);
  const token = readFileSync(tokenFile, 'utf8').trim();
  // Each spins for at most five minutes, and is ended with the test.
  const spinners = [1, 2].map(() =>
    spawn(process.execPath, ['-e', 'const end = Date.now() + 300_000; while (Date.now() < end);'], { stdio: 'ignore' }),
  );
  try {
    for (let round = 1; round <= ROUNDS; round += 1) {
      const killed = postmasterPid(dataDir)!;
      process.kill(killed, 'SIGKILL');
      const answered = await waitFor(async () => {
        if (server.child.exitCode !== null) return true; // reported below, with its output
        const response = await fetch(`${server.url}/api/v1/tenants`, { headers: { authorization: `Bearer ${token}` } }).catch(
          () => undefined,
        );
        const pid = postmasterPid(dataDir);
        return response?.status === 200 && pid !== undefined && pid !== killed;
      }, 60_000);
      expect(server.child.exitCode, `the server exited after kill ${round}:\n${server.output().slice(-4000)}`).toBeNull();
      expect(answered, `the API did not answer within 60 s of kill ${round}`).toBe(true);
    }
  } finally {
    for (const spinner of spinners) spinner.kill('SIGKILL');
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
  }
});
