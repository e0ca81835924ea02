import type { AppContext } from '../context';
import { newId } from '../ids';

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

const SAMPLES_PER_CONNECTION_PER_FLUSH = 5;
const FAILURES_PER_WINDOW = 120;
const WINDOW_MS = 60_000;

/**
 * Refused deliveries are counted per connection and reason, with a few samples kept for the
 * dashboard. Counting happens in memory and is flushed every few seconds, so a flood of forged
 * requests costs no database write each; past the per-connection budget, answers become 429.
 */
export class RejectionTracker {
  private counts = new Map<string, { connectionId: string; reason: RejectionReason; count: number; lastAt: Date }>();
  private samples: { connectionId: string | null; reason: RejectionReason; detail: string; at: Date }[] = [];
  private windows = new Map<string, { startedAt: number; failures: number }>();

  constructor(private readonly ctx: AppContext) {}

  /** Records a refusal; returns false when the connection is over its failure budget (answer 429). */
  record(connectionId: string | null, reason: RejectionReason, detail: string): boolean {
    const now = this.ctx.now();
    this.ctx.metrics.webhooksRejected.inc({ reason });
    const connectionKey = connectionId ?? '(unknown)';
    const key = `${connectionKey}/${reason}`;
    const entry = this.counts.get(key) ?? { connectionId: connectionKey, reason, count: 0, lastAt: now };
    entry.count += 1;
    entry.lastAt = now;
    this.counts.set(key, entry);

    const window = this.windows.get(connectionKey);
    if (!window || now.getTime() - window.startedAt > WINDOW_MS) {
      this.windows.set(connectionKey, { startedAt: now.getTime(), failures: 1 });
    } else {
      window.failures += 1;
      if (window.failures > FAILURES_PER_WINDOW) return false;
    }
    if (this.samples.filter((sample) => sample.connectionId === connectionId).length < SAMPLES_PER_CONNECTION_PER_FLUSH) {
      this.samples.push({ connectionId, reason, detail: detail.slice(0, 500), at: now });
    }
    return true;
  }

  /** Writes counts and samples; on failure they are kept for the next flush. */
  async flush(): Promise<void> {
    const counts = [...this.counts.values()];
    const samples = this.samples;
    if (counts.length === 0 && samples.length === 0) return;
    this.counts = new Map();
    this.samples = [];
    try {
      const db = this.ctx.store.db;
      for (const entry of counts) {
        await db
          .insertInto('webhook_rejection_counts')
          .values({ connection_id: entry.connectionId, reason: entry.reason, count: entry.count, last_at: entry.lastAt })
          .onConflict((oc) =>
            oc.columns(['connection_id', 'reason']).doUpdateSet((eb) => ({
              count: eb('webhook_rejection_counts.count', '+', entry.count),
              last_at: entry.lastAt,
            })),
          )
          .execute();
      }
      if (samples.length > 0) {
        await db
          .insertInto('webhook_rejections')
          .values(
            samples.map((sample) => ({
              id: newId('rejection'),
              connection_id: sample.connectionId,
              reason: sample.reason,
              detail: sample.detail,
              received_at: sample.at,
            })),
          )
          .execute();
      }
    } catch (error) {
      for (const entry of counts) {
        const key = `${entry.connectionId}/${entry.reason}`;
        const current = this.counts.get(key);
        this.counts.set(key, current ? { ...current, count: current.count + entry.count } : entry);
      }
      this.ctx.logger.warn({ err: error }, 'could not store webhook rejection counts; will retry');
    }
  }
}
