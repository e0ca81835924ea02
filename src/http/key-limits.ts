import type { MiddlewareHandler } from 'hono';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { legacyTokenHash } from '../crypto/tokens';
import { bearerToken } from './auth-middleware';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { HonoEnv } from './hono-env';

function tooManyRequests(retryAfterSeconds: number, message: string): AppError {
  return new AppError({ code: 'rate_limited', status: 429, retryAfterSeconds, message });
}

/**
 * Per-key rate and concurrency limits on `/api/v1`, so one tenant's key cannot take the whole
 * database pool from everyone else (issue 18: 200 parallel list requests with one key made other
 * tenants' requests fail). Over either limit the answer is 429 with Retry-After, before any query:
 * the limits are keyed by the token's hash, so refusing costs no database round trip. A request
 * without a token passes on to requireToken's 401. The counters are per process: behind N web
 * processes a key gets N times the limits.
 */
export function limitPerKey(config: Pick<Config, 'apiRatePerKey' | 'apiConcurrencyPerKey'>): MiddlewareHandler<HonoEnv> {
  const rate = new RateLimiterMemory({ points: config.apiRatePerKey, duration: 1 });
  const inFlight = new Map<string, number>();
  return async (c, next) => {
    const token = bearerToken(c);
    if (!token) return next();
    // The bucket's name in memory only: a plain digest, so the raw token is not kept as a map key.
    const key = legacyTokenHash(token);
    try {
      await rate.consume(key);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw tooManyRequests(
        Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
        `This key sent more than ${config.apiRatePerKey} requests in one second. Wait for Retry-After seconds, then slow down (PAYBRIDGE_API_RATE_PER_KEY sets the limit).`,
      );
    }
    const running = inFlight.get(key) ?? 0;
    if (running >= config.apiConcurrencyPerKey) {
      throw tooManyRequests(
        1,
        `This key already has ${running} requests in progress. Wait for one to finish before sending more (PAYBRIDGE_API_CONCURRENCY_PER_KEY sets the limit).`,
      );
    }
    inFlight.set(key, running + 1);
    try {
      await next();
    } finally {
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    }
  };
}
