import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from './index';

// `apiLatencyMs` stands in for the round trip to Stripe in benchmarks; the control API stays immediate.
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, apiLatencyMs: 200 });
});
afterAll(async () => sandbox.close());

it('holds every /v1 answer for at least apiLatencyMs, and answers it unchanged', async () => {
  const account = await sandbox.createAccount({ email: 'latency@example.com' });
  const stripe = sandbox.stripe(account.secret_key);
  const started = performance.now();
  const customer = await stripe.customers.create({ email: 'slow@example.com' });
  // A lower bound only (timers never fire early by more than a millisecond); no upper bound is asserted.
  expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  expect(customer.email).toBe('slow@example.com');
});
