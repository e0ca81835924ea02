import type { AppContext } from '../context';
import {
  addRejectionCounts,
  insertRejectionSamples,
  pruneRejections,
  type RejectionCount,
  type RejectionSample,
} from '../store/rejections';

export type RejectionReason =
  | 'unknown_connection'
  | 'missing_signature_header'
  | 'malformed_signature_header'
  | 'timestamp_outside_tolerance'
  | 'no_matching_signature'
  | 'no_signing_secret'
  | 'livemode_mismatch'
  | 'invalid_payload'
  | 'body_too_large'
  | 'rate_limited';

/** Unknown or disconnected ids share one counter, one budget and one sample quota. */
const UNKNOWN_CONNECTION_KEY = '(unknown)';
const SAMPLES_PER_CONNECTION_PER_FLUSH = 5;
const SAMPLES_PER_FLUSH = 100;
const FAILURES_PER_WINDOW = 120;
const WINDOW_MS = 60_000;
/**
 * Upper bound on the connections tracked in memory at once (budget windows, pending counts). Only
 * real connections get their own entry, so this is reached only by a very large installation; the
 * oldest entry then gives way.
 */
const MAX_TRACKED = 10_000;

/**
 * Refused deliveries are counted per connection and reason, with a few samples kept for the
 * dashboard. Counting happens in memory and is flushed every few seconds in two statements, so a
 * flood of forged requests costs no database write each; past the per-connection budget, answers
 * become 429. Every map here is bounded, and the tables have a retention (`pruneRejections`).
 */
export class RejectionTracker {
  private counts = new Map<string, RejectionCount>();
  private samples: RejectionSample[] = [];
  private samplesPerConnection = new Map<string, number>();
  private windows = new Map<string, { startedAt: number; failures: number }>();

  constructor(private readonly ctx: AppContext) {}

  /** Records a refusal; returns false when the connection is over its failure budget (answer 429). */
  record(connectionId: string | null, reason: RejectionReason, detail: string): boolean {
    const now = this.ctx.now();
    this.ctx.metrics.webhooksRejected.inc({ reason });
    const connectionKey = connectionId ?? UNKNOWN_CONNECTION_KEY;
    const key = `${connectionKey}/${reason}`;
    const entry = this.counts.get(key) ?? bounded(this.counts, { connectionId: connectionKey, reason, count: 0, lastAt: now });
    entry.count += 1;
    entry.lastAt = now;
    this.counts.set(key, entry);

    const window = this.windows.get(connectionKey);
    if (!window || now.getTime() - window.startedAt > WINDOW_MS) {
      if (!window) bounded(this.windows, undefined);
      this.windows.set(connectionKey, { startedAt: now.getTime(), failures: 1 });
    } else {
      window.failures += 1;
      if (window.failures > FAILURES_PER_WINDOW) return false;
    }
    const sampled = this.samplesPerConnection.get(connectionKey) ?? 0;
    if (sampled < SAMPLES_PER_CONNECTION_PER_FLUSH && this.samples.length < SAMPLES_PER_FLUSH) {
      this.samplesPerConnection.set(connectionKey, sampled + 1);
      this.samples.push({ connectionId, reason, detail: detail.slice(0, 500), at: now });
    }
    return true;
  }

  /** Writes counts and samples; on failure the counts are kept for the next flush. */
  async flush(): Promise<void> {
    this.pruneWindows();
    const counts = [...this.counts.values()];
    const samples = this.samples;
    if (counts.length === 0 && samples.length === 0) return;
    this.counts = new Map();
    this.samples = [];
    this.samplesPerConnection = new Map();
    try {
      await addRejectionCounts(this.ctx.store.db, counts);
      await insertRejectionSamples(this.ctx.store.db, samples);
    } catch (error) {
      for (const entry of counts) {
        const key = `${entry.connectionId}/${entry.reason}`;
        const current = this.counts.get(key);
        this.counts.set(key, current ? { ...current, count: current.count + entry.count } : entry);
      }
      this.ctx.logger.warn({ err: error }, 'could not store webhook rejection counts; will retry');
    }
  }

  /** Budget windows that ended hold nothing worth keeping. */
  private pruneWindows(): void {
    const now = this.ctx.now().getTime();
    for (const [key, window] of this.windows) if (now - window.startedAt > WINDOW_MS) this.windows.delete(key);
  }
}

/** Makes room for one more key in `map` by dropping its oldest entry when full; returns `value`. */
function bounded<T>(map: Map<string, unknown>, value: T): T {
  if (map.size >= MAX_TRACKED) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  return value;
}

/** Samples explain recent failures; a week covers any investigation that starts from one. */
const REJECTION_SAMPLE_RETENTION_MS = 7 * 24 * 3600_000;
/** A (connection, reason) counter untouched for 30 days is history no one reads. */
const REJECTION_COUNT_RETENTION_MS = 30 * 24 * 3600_000;
export const REJECTION_PRUNE_INTERVAL_MS = 60 * 60_000;

/** The retention round: drops old samples and idle counters; returns rows deleted. */
export async function pruneOldRejections(ctx: AppContext): Promise<number> {
  const now = ctx.now().getTime();
  return pruneRejections(ctx.store.db, {
    samples: new Date(now - REJECTION_SAMPLE_RETENTION_MS),
    counts: new Date(now - REJECTION_COUNT_RETENTION_MS),
  });
}
