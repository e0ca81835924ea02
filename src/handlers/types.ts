import type { AppContext } from '../context';
import type { Db } from '../store/database';
import type { ConnectionRow, EventRow } from '../store/schema';
import type { AppliedObject } from '../store/stripe-objects';

/** The parts of a Stripe event envelope handlers read. */
export interface StripeEventEnvelope {
  id: string;
  type: string;
  created: number;
  livemode?: boolean;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
}

export interface HandlerInput {
  readonly ctx: AppContext;
  /** The processing transaction: every business write goes through it, with the event's final status. */
  readonly trx: Db;
  readonly event: StripeEventEnvelope;
  readonly eventRow: EventRow;
  readonly connection: ConnectionRow;
  /** The object's newest stored version after this event (undefined when the event carries no object id). */
  readonly object: AppliedObject | undefined;
}

export type HandlerOutcome = { status: 'processed'; note?: string } | { status: 'ignored'; reason: string };

export type EventHandler = (input: HandlerInput) => Promise<HandlerOutcome>;
