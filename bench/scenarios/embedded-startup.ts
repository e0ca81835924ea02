import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port';
import { log, rows } from '../lib/report';

/**
 * `npm start` with no setting but a data directory and a port, as a new user runs it: the time from
 * spawning the process to the first 200 from /healthz, on a fresh data directory (initdb included)
 * and then on the same one after a clean stop.
 */
export async function benchEmbeddedStartup(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paybridge-startup-'));
  try {
    const first = await timeToHealthy(dataDir);
    const later = await timeToHealthy(dataDir);
    const help = await timeOfHelp();
    const scale = `; for scale, \`paybridge --help\` (Node, tsx and the modules, no database) took ${help.toFixed(2)} s just after`;
    log(`embedded start to /healthz: first ${first.toFixed(2)} s, later ${later.toFixed(2)} s, --help ${help.toFixed(2)} s`);
    rows.push({
      benchmark: 'Embedded PostgreSQL: first `npm start` (initdb) to /healthz',
      target: '≤ 10 s',
      met: first <= 10,
      detail: `${first.toFixed(2)} s from spawn to the first 200, fresh data directory${scale}`,
    });
    rows.push({
      benchmark: 'Embedded PostgreSQL: later `npm start` to /healthz',
      target: '≤ 5 s',
      met: later <= 5,
      detail: `${later.toFixed(2)} s on the same data directory after a clean stop (the last process out stops PostgreSQL)${scale}`,
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function timeToHealthy(dataDir: string): Promise<number> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('PAYBRIDGE_') && value !== undefined) env[name] = value;
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/paybridge.js', 'serve'], {
    env: { ...env, PAYBRIDGE_DATA_DIR: dataDir, PAYBRIDGE_PORT: String(port), PAYBRIDGE_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`paybridge exited with ${child.exitCode} before /healthz answered`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return (performance.now() - started) / 1000;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('paybridge did not answer /healthz within 120 s');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** How long the CLI takes to start and exit without touching a database: what a start costs before PostgreSQL. */
async function timeOfHelp(): Promise<number> {
  const started = performance.now();
  await new Promise((resolve, reject) =>
    execFile(process.execPath, ['bin/paybridge.js', '--help'], { timeout: 120_000 }, (error) =>
      error ? reject(error) : resolve(undefined),
    ),
  );
  return (performance.now() - started) / 1000;
}
