import { z } from 'zod';

/** Switches that make delivery misbehave the ways Stripe's does (order, duplicates, loss, lag). */
export interface ChaosSettings {
  shuffle: boolean;
  duplicate_rate: number;
  drop_rate: number;
  delay_ms: number;
  /**
   * Event types whose deliveries wait until the hold is lifted (`payment_intent.succeeded`, or a
   * family as `payment_intent.*`): how a test makes one event arrive after another, as Stripe may.
   */
  hold: string[];
}

export const NO_CHAOS: ChaosSettings = { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0, hold: [] };

/** Whether `pattern` (a type, or a prefix ending in `.*`) covers this event type. */
export function holdCovers(pattern: string, eventType: string): boolean {
  return pattern.endsWith('.*') ? eventType.startsWith(pattern.slice(0, -1)) : pattern === eventType;
}

const rate = z.coerce.number().min(0).max(1);

export const chaosUpdateSchema = z
  .object({
    shuffle: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
    duplicate_rate: rate,
    drop_rate: rate,
    delay_ms: z.coerce.number().int().min(0).max(60_000),
    hold: z.array(z.string().regex(/^[a-z_]+(\.[a-z_]+)*(\.\*)?$/, 'hold takes event types such as "charge.succeeded" or "charge.*"')),
  })
  .partial()
  .strict();

/** Injected so tests can make chaos deterministic. */
export type RandomSource = () => number;
