// Tests spawn bin/paybridge.js, which runs the build in dist/: rebuilt once per run from this checkout's
// sources, so a child process never runs code older than the test that started it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: fileURLToPath(new URL('../../', import.meta.url)), stdio: 'inherit' });
}
