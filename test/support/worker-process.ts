// A separate Paybridge worker process for multi-process tests: processes events until the queue has
// been empty for a while, then prints how many events it handled as JSON and exits.
import { buildContext } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { EventWorker } from '../../src/webhooks/worker';

const ctx = await buildContext(loadConfig(), { logger: createLogger({ level: 'warn', destination: process.stderr as never }) });
const worker = new EventWorker(ctx, { batchSize: 20, concurrency: 4 });
process.stdout.write('ready\n');
let handled = 0;
let idleSince = Date.now();
const idleExitMs = Number(process.env.WORKER_IDLE_EXIT_MS ?? 3000);
const deadline = Date.now() + 120_000;
while (Date.now() < deadline) {
  const count = await worker.runOnce();
  handled += count;
  if (count > 0) idleSince = Date.now();
  else if (handled > 0 && Date.now() - idleSince > idleExitMs) break;
  else await new Promise((resolve) => setTimeout(resolve, 50));
}
process.stdout.write(`${JSON.stringify({ workerId: worker.id, handled })}\n`);
await ctx.store.close();
