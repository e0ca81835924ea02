// A separate worker process running only the outbound webhook dispatcher, for the kill -9 test:
// prints "ready" and delivers until it is killed.
import { buildContext } from '../../../src/bootstrap';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { OutboundDispatcher } from '../../../src/modules/outbound-webhooks/dispatcher';

const ctx = await buildContext(loadConfig(), { logger: createLogger({ level: 'warn', destination: process.stderr as never }) });
new OutboundDispatcher(ctx, { leaseMs: Number(process.env.OUTBOUND_LEASE_MS ?? 60_000), idlePollMs: 100 }).start();
process.stdout.write('ready\n');
