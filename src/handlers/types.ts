import type { Fact } from '../domain/facts';
import type { ConnectionRow } from '../store/schema';
import type { AppliedObject } from '../store/stripe-objects';

/** The parts of a Stripe event envelope handlers read. */
export interface StripeEventEnvelope {
  id: string;
  type: string;
  created: number;
  livemode?: boolean;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
}

/**
 * What a handler reads: the event, its connection and the object's newest stored version. No
 * transaction and no Stripe client: a handler only says what the event means (facts); modules act.
 */
export interface HandlerInput {
  readonly event: StripeEventEnvelope;
  readonly connection: ConnectionRow;
  /** The object's newest stored version after this event (undefined when the event carries no object id). */
  readonly object: AppliedObject | undefined;
}

export type HandlerOutcome = { status: 'processed'; note?: string } | { status: 'ignored'; reason: string };

/** The facts an event carries, and the event's note when no module acts on them (the version is recorded either way). */
export interface Translation {
  readonly facts: readonly Fact[];
  readonly note: string;
}

/** Translates one event into facts, or stops it with an outcome (stale, foreign, nothing to apply). */
export type EventHandler = (input: HandlerInput) => Promise<Translation | HandlerOutcome>;

export function isTranslation(value: Translation | HandlerOutcome): value is Translation {
  return 'facts' in value;
}
