import { z } from 'zod';

/** Switches that make delivery misbehave the ways Stripe's does (order, duplicates, loss, lag). */
export interface ChaosSettings {
  shuffle: boolean;
  duplicate_rate: number;
  drop_rate: number;
  delay_ms: number;
}

export const NO_CHAOS: ChaosSettings = { shuffle: false, duplicate_rate: 0, drop_rate: 0, delay_ms: 0 };

const rate = z.coerce.number().min(0).max(1);

export const chaosUpdateSchema = z
  .object({
    shuffle: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
    duplicate_rate: rate,
    drop_rate: rate,
    delay_ms: z.coerce.number().int().min(0).max(60_000),
  })
  .partial()
  .strict();

/** Injected so tests can make chaos deterministic. */
export type RandomSource = () => number;
