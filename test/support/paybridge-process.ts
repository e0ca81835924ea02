import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** `paybridge serve` in a child process, for tests that kill it or cut its database. */
export async function startPaybridgeProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  // A caller may fix the port (PAYBRIDGE_PORT), e.g. when a public URL naming it was configured first.
  const port = env.PAYBRIDGE_PORT ? Number(env.PAYBRIDGE_PORT) : await freePort();
  const child = spawn(process.execPath, ['bin/paybridge.js', 'serve'], {
    cwd: root,
    env: { ...process.env, PAYBRIDGE_PORT: String(port), PAYBRIDGE_HOST: '127.0.0.1', PAYBRIDGE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`paybridge exited early: ${output}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`paybridge did not start within 60 s: ${output}`);
}
