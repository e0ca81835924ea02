import type { Context, MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { legacyTokenHash } from '../crypto/tokens';
import { bearerToken } from './auth-middleware';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { HonoEnv } from './hono-env';

function tooManyRequests(retryAfterSeconds: number, message: string): AppError {
  return new AppError({ code: 'rate_limited', status: 429, retryAfterSeconds, message });
}

/** One class of limits: so many requests per second and so many in flight, per key. */
interface LimitClass {
  rate: number;
  concurrency: number;
  rateVariable: string;
  concurrencyVariable: string;
  what: string;
}

/**
 * The entitlement check, `GET …/customers/{customer}/entitlements/{key}`: the call a platform makes on
 * every one of its own requests, one cheap indexed read, so it has its own, much higher limits.
 */
const ENTITLEMENT_CHECK = /^\/api\/v1\/tenants\/[^/]+\/customers\/[^/]+\/entitlements\/[^/]+\/?$/;

export function isEntitlementCheck(c: Context): boolean {
  return c.req.method === 'GET' && ENTITLEMENT_CHECK.test(c.req.path);
}

/**
 * Per-key rate and concurrency limits on `/api/v1`, so one tenant's key cannot take the whole
 * database pool from everyone else (issue 18: 200 parallel list requests with one key made other
 * tenants' requests fail). Over either limit the answer is 429 with Retry-After, before any query:
 * the limits are keyed by the token's hash, so refusing costs no database round trip. A request
 * without a token passes on to requireToken's 401. The counters are per process: behind N web
 * processes a key gets N times the limits. Entitlement checks count in a class of their own
 * (PAYBRIDGE_CHECK_*), so checking thousands of times a second neither is refused by nor uses up
 * the general limit.
 */
export function limitPerKey(
  config: Pick<Config, 'apiRatePerKey' | 'apiConcurrencyPerKey' | 'checkRatePerKey' | 'checkConcurrencyPerKey'>,
): MiddlewareHandler<HonoEnv> {
  const general = keyLimiter({
    rate: config.apiRatePerKey,
    concurrency: config.apiConcurrencyPerKey,
    rateVariable: 'PAYBRIDGE_API_RATE_PER_KEY',
    concurrencyVariable: 'PAYBRIDGE_API_CONCURRENCY_PER_KEY',
    what: 'requests',
  });
  const checks = keyLimiter({
    rate: config.checkRatePerKey,
    concurrency: config.checkConcurrencyPerKey,
    rateVariable: 'PAYBRIDGE_CHECK_RATE_PER_KEY',
    concurrencyVariable: 'PAYBRIDGE_CHECK_CONCURRENCY_PER_KEY',
    what: 'entitlement checks',
  });
  return async (c, next) => {
    const token = bearerToken(c);
    if (!token) return next();
    // The bucket's name in memory only: a plain digest, so the raw token is not kept as a map key.
    const key = legacyTokenHash(token);
    return (isEntitlementCheck(c) ? checks : general)(c, key, next);
  };
}

function keyLimiter(limits: LimitClass) {
  const rate = new RateLimiterMemory({ points: limits.rate, duration: 1 });
  const inFlight = new Map<string, number>();
  return async (c: Context<HonoEnv>, key: string, next: () => Promise<void>) => {
    try {
      await rate.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw tooManyRequests(
        Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        `This key sent more than ${limits.rate} ${limits.what} in one second. Wait for Retry-After seconds, then slow down (${limits.rateVariable} sets the limit).`,
      );
    }
    const running = inFlight.get(key) ?? 0;
    if (running >= limits.concurrency) {
      throw tooManyRequests(
        1,
        `This key already has ${running} ${limits.what} in progress. Wait for one to finish before sending more (${limits.concurrencyVariable} sets the limit).`,
      );
    }
    inFlight.set(key, running + 1);
    let released = false;
    // A long-poll calls this before it waits: a waiting request holds no database connection, so it
    // need not count against the key's concurrency (thousands may wait at once).
    const release = () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    };
    c.set('releaseKeySlot', release);
    try {
      await next();
    } finally {
      release();
    }
  };
}
