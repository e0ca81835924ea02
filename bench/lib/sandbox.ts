import type { AccountCredentials } from '../../sandbox/index';
import { spawnServer, type ChildServer } from './child';

export interface SandboxInfo {
  url: string;
  account: AccountCredentials;
  template: Record<string, unknown>;
  sessionPrefix: string;
  sessions: number;
  child: ChildServer;
}

/** The sandbox in its own process, seeded with `sessions` completed checkout sessions. */
export async function startBenchSandbox(sessions: number): Promise<SandboxInfo> {
  const child = await spawnServer('bench/servers/sandbox.ts', { label: 'sandbox', env: { BENCH_SESSIONS: String(sessions) } });
  const info = child.info as unknown as Omit<SandboxInfo, 'child'>;
  return { ...info, child };
}
