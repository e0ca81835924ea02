/**
 * When a failed delivery is tried again, after its Nth attempt: the schedule Stripe and Svix use,
 * spread over a little more than three days (about 80 hours in all). Each wait gets ±20 % jitter,
 * so the deliveries of an endpoint that came back do not all return at the same second.
 */
const WAITS_MS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600, 20 * 3600, 24 * 3600].map((s) => s * 1000);

/** Attempts in all: the first, immediate one and one per wait. */
export const MAX_ATTEMPTS = WAITS_MS.length + 1;

/** A Retry-After longer than this is read as this: the schedule's longest wait. */
const RETRY_AFTER_CAP_MS = 24 * 3600 * 1000;

/**
 * The wait before the next attempt, or undefined when `attempt` was the last. A receiver's
 * Retry-After replaces the scheduled wait (capped at a day), since it knows when it will be back.
 */
export function nextRetryDelayMs(
  attempt: number,
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= MAX_ATTEMPTS) return undefined;
  if (retryAfterSeconds !== null) return Math.min(RETRY_AFTER_CAP_MS, Math.max(1000, retryAfterSeconds * 1000));
  const base = WAITS_MS[attempt - 1]!;
  return Math.round(base * (0.8 + 0.4 * random()));
}
