import type Stripe from 'stripe';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type AccountCredentials, type RunningSandbox, type StartSandboxOptions } from '../index';

export interface SandboxFixture {
  sb: RunningSandbox;
  account: AccountCredentials;
  /** SDK client on the account's test secret key. */
  stripe: Stripe;
}

/** Starts one sandbox (ephemeral port) and one account for a test file; closes it afterwards. */
export function useSandbox(options: StartSandboxOptions = {}): SandboxFixture {
  const fixture = {} as SandboxFixture;
  beforeAll(async () => {
    fixture.sb = await startSandbox({ port: 0, retryBaseMs: 20, deliveryTimeoutMs: 1000, ...options });
    fixture.account = await fixture.sb.createAccount({ email: 'owner@example.com' });
    fixture.stripe = fixture.sb.stripe(fixture.account.secret_key);
  });
  afterAll(async () => {
    await fixture.sb?.close();
  });
  return fixture;
}
