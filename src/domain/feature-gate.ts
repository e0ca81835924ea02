import type { Feature } from '../stripe/features';

/**
 * The one rule for features, applied by the event processor, the invoice diagnosis and the dashboard:
 *
 * 1. A feature decides which events Stripe sends (the endpoint's `enabled_events`). An event type that
 *    no enabled feature lists is stored but ignored before anything reads it.
 * 2. A feature gates its business module. A fact reaches a module only when the connection has the
 *    module's feature (invoices need `invoicing`), whichever feature's event carried it: a
 *    `payment_intent.succeeded` that arrived for `payments` does not pay an invoice without `invoicing`.
 *    The object version is still recorded, and the event is `ignored` with the reason below, so
 *    enabling the feature and replaying the event applies it.
 */
export function featureEnabled(enabled: readonly string[], feature: Feature): boolean {
  return enabled.includes(feature);
}

/** Why a fact for a module stopped at the gate (the event's `ignored` reason). */
export function gatedReason(feature: Feature, what: string): string {
  return `recorded; ${what} needs the "${feature}" feature, which this connection has not enabled. Add "${feature}" to its features, then replay the event.`;
}

/** What the diagnosis and the dashboard tell an operator whose connection lacks a module's feature. */
export function gatedAdvice(feature: Feature, what: string): string {
  return `The connection lacks the "${feature}" feature, so ${what} is recorded but changes nothing (events are ignored with that reason). Add "${feature}" to its features, then replay the ignored events.`;
}
