import { notOursOutcome, ownershipOf } from './ownership';
import type { EventHandler, HandlerInput, HandlerOutcome } from './types';

/** What a money family does with an event before its business logic: stale or foreign objects stop here. */
export function guardOwnedObject(input: HandlerInput): HandlerOutcome | undefined {
  if (!input.object) return { status: 'ignored', reason: 'the event carries no object id, so there is nothing to apply' };
  if (input.object.outcome === 'superseded') {
    return {
      status: 'ignored',
      reason: `superseded: a newer version of ${input.object.current.stripe_id} is already stored (from ${input.object.current.version_event_id})`,
    };
  }
  const ownership = ownershipOf(input.event.data.object, input.connection);
  if (ownership.owner !== 'this_tenant') return notOursOutcome(input.event.data.object, ownership);
  return undefined;
}

/** For families whose only effect is keeping the newest object version (catalog, customers, disputes…). */
export const recordObject: EventHandler = async (input) => {
  if (!input.object) return { status: 'ignored', reason: 'the event carries no object id, so there is nothing to record' };
  if (input.object.outcome === 'superseded') {
    return {
      status: 'ignored',
      reason: `superseded: a newer version of ${input.object.current.stripe_id} is already stored (from ${input.object.current.version_event_id})`,
    };
  }
  return { status: 'processed', note: `${input.object.current.stripe_id} ${input.object.outcome.replace('_', ' ')}` };
};
