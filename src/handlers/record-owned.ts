import type { Fact } from '../domain/facts';
import { notOursReason, ownershipOf } from '../domain/paybridge-metadata';
import type { HandlerInput, HandlerOutcome, Translation } from './types';

const NO_OBJECT: HandlerOutcome = { status: 'ignored', reason: 'the event carries no object id, so there is nothing to apply' };

function supersededOutcome(object: NonNullable<HandlerInput['object']>): HandlerOutcome {
  return {
    status: 'ignored',
    reason: `superseded: a newer version of ${object.current.stripe_id} is already stored (from ${object.current.version_event_id})`,
  };
}

/**
 * For money families (payment intents, checkout sessions, charges, subscriptions): only this tenant's
 * objects yield facts. `factsOf` receives the newest stored version, or the event's own object when a
 * newer one is stored (`superseded`): failed attempts and expiries are history and still count then,
 * while anything that moves state forward must come from the newest version only. Without facts, a
 * stale or foreign object stops here with its reason.
 */
export function translateOwned(
  input: HandlerInput,
  factsOf: (object: Record<string, unknown>, superseded: boolean) => Fact[],
  note: (object: Record<string, unknown>) => string,
): Translation | HandlerOutcome {
  if (!input.object) return NO_OBJECT;
  const superseded = input.object.outcome === 'superseded';
  const ownership = ownershipOf(input.event.data.object, input.connection);
  const object = superseded ? input.event.data.object : input.object.current.data;
  const facts = ownership.owner === 'this_tenant' ? factsOf(object, superseded) : [];
  if (facts.length > 0) return { facts, note: note(object) };
  if (superseded) return supersededOutcome(input.object);
  if (ownership.owner !== 'this_tenant') return { status: 'ignored', reason: notOursReason(input.event.data.object, ownership) };
  return { facts: [], note: note(object) };
}

/** For families kept for the whole account (catalog, customers, disputes…): every newest version counts. */
export function translateRecorded(
  input: HandlerInput,
  factsOf: (object: Record<string, unknown>, deleted: boolean) => Fact[] = () => [],
): Translation | HandlerOutcome {
  if (!input.object) return { status: 'ignored', reason: 'the event carries no object id, so there is nothing to record' };
  if (input.object.outcome === 'superseded') return supersededOutcome(input.object);
  const { current } = input.object;
  return { facts: factsOf(current.data, current.deleted), note: `${current.stripe_id} ${input.object.outcome.replace('_', ' ')}` };
}

/** A string field, or the id of an expanded object in it. */
export function idField(object: Record<string, unknown>, key: string): string | null {
  const value = object[key];
  if (typeof value === 'string' && value.length > 0) return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return null;
}
