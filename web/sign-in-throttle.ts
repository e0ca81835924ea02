import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { DashContext } from './session';

/** Failures counted over five minutes; the first few cost nothing, so a typo never slows anyone. */
const WINDOW_SECONDS = 5 * 60;
const FREE_FAILURES = 5;
const STEP_MS = 250;
const MAX_DELAY_MS = 3_000;

/**
 * Slows down failed dashboard sign-ins per client address instead of blocking the address: the old
 * lockout answered 429 to the right token too, and behind a proxy it locked everyone out at once
 * (issue 18 item 8). Only failures count; a success clears the address's count. The limiter's
 * memory store expires its own keys, so random addresses cannot grow it without bound.
 */
export function signInThrottle() {
  const failures = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: WINDOW_SECONDS });
  return {
    /** Records a failure; returns how long to hold the answer and how many failures are on record. */
    async fail(address: string): Promise<{ delayMs: number; failures: number }> {
      const result = await failures.penalty(address, 1);
      const count = result.consumedPoints;
      const delayMs = count > FREE_FAILURES ? Math.min(STEP_MS * (count - FREE_FAILURES), MAX_DELAY_MS) : 0;
      return { delayMs, failures: count };
    },
    async succeed(address: string): Promise<void> {
      await failures.delete(address);
    },
  };
}

/**
 * The client's address: the socket's peer, or, when that peer is one of PAYBRIDGE_TRUSTED_PROXIES,
 * the nearest untrusted address in X-Forwarded-For. Without a Node request (tests calling the app
 * directly) it is "unknown".
 */
export function clientAddressResolver(trustedProxies: string[]): (c: DashContext) => string {
  const trust = proxyAddr.compile(trustedProxies);
  return (c) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming?.socket?.remoteAddress) return 'unknown';
    return proxyAddr(incoming, trust);
  };
}
