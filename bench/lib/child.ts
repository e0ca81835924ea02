import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { bundled } from './bundle';

export interface ChildServer {
  readonly url: string;
  readonly pid: number;
  readonly info: Record<string, unknown>;
  /** Peak resident set size of the process (VmHWM) since it started or since resetPeakRss(), in MB. */
  peakRssMb(): number;
  /**
   * Starts a new peak window, so a load phase is measured apart from start-up (an embedded store's
   * first start runs initdb in a second WASM instance). Returns the peak of the window it closes.
   */
  resetPeakRss(): number;
  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  /** Write a V8 CPU profile into this directory when the process exits. */
  cpuProfDir?: string;
  /** The script is TypeScript (the default); false for plain .cjs/.js. */
  typescript?: boolean;
  readyTimeoutMs?: number;
  label: string;
}

/**
 * Starts a server script in its own Node process, so the load generator never shares its event
 * loop, and waits for the `BENCH_READY {json}` line the script prints once it listens.
 */
export async function spawnServer(script: string, options: SpawnOptions): Promise<ChildServer> {
  // TypeScript runs bundled (bundle.ts), as `npm start` runs dist/; under --cpu-prof it runs through
  // tsx instead, so the profile names the source files bench/profile.ts groups by.
  const throughTsx = options.typescript !== false && options.cpuProfDir !== undefined;
  const runnable = options.typescript === false || throughTsx ? script : await bundled(script);
  const args = [
    ...(throughTsx ? ['--import', 'tsx'] : []),
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    runnable,
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr.push(chunk.toString());
    if (stderr.length > 200) stderr.shift();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.label}: not ready after ${options.readyTimeoutMs ?? 60_000} ms\n${stderr.join('')}`)),
      options.readyTimeoutMs ?? 60_000,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('BENCH_READY ')) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('BENCH_READY '.length)) as Record<string, unknown>);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.label}: exited with ${code} before it was ready\n${stderr.join('')}`));
    });
  });
  const pid = child.pid!;
  let peak = 0;
  const peakRssMb = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // process gone: keep the last reading
    }
    return peak;
  };
  const ticksPerSecond = 100; // USER_HZ on Linux
  const cpuSeconds = () => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    } catch {
      return 0;
    }
  };
  return {
    url: String(info.url),
    pid,
    info,
    peakRssMb,
    resetPeakRss() {
      const closed = peakRssMb();
      writeFileSync(`/proc/${pid}/clear_refs`, '5'); // Linux: resets VmHWM to the current RSS
      peak = 0;
      return closed;
    },
    cpuSeconds,
    async stop(graceMs = 10_000) {
      peakRssMb();
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
