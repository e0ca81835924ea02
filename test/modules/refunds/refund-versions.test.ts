import { describe, expect, it } from 'vitest';
import type { Fact } from '../../../src/domain/facts';
import { buildHandlerRegistry } from '../../../src/handlers';
import { isTranslation, type StripeEventEnvelope } from '../../../src/handlers/types';
import type { StripeObjectRow } from '../../../src/store/schema';
import { isNewerVersion, type ObjectVersion } from '../../../src/webhooks/object-versions';

/**
 * The cause of the refund test that failed only under load: a refund that succeeded and then failed
 * within one second sends four events (`refund.created` succeeded; `charge.refund.updated`,
 * `refund.updated`, `refund.failed` failed). Shuffled, the succeeded version won on the event-id
 * tie-break, or `charge.refund.updated` stored the failed version without saying so and the
 * `refund.*` events after it were superseded. These replay the worker's decision for every arrival
 * order and every order of the random event ids.
 */

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const created = 1_796_194_246;
const tenantId = 'ten_1';
const metadata = { paybridge_tenant_id: tenantId, paybridge_payable_type: 'invoice', paybridge_payable_id: 'inv_1' };
const succeeded = { id: 're_1', object: 'refund', amount: 2000, currency: 'usd', payment_intent: 'pi_1', status: 'succeeded', metadata };
const failed = { ...succeeded, status: 'failed', failure_reason: 'expired_or_canceled_card', failure_balance_transaction: 'txn_2' };
const previous = { status: 'succeeded', failure_reason: null, failure_balance_transaction: null };

const steps = [
  { type: 'refund.created', object: succeeded, previous: null },
  { type: 'charge.refund.updated', object: failed, previous },
  { type: 'refund.updated', object: failed, previous },
  { type: 'refund.failed', object: failed, previous: null },
];

const registry = buildHandlerRegistry();
const connection = { tenant_id: tenantId, id: 'conn_1' } as never;

/** What the worker does for one event: keep the newer version, then ask the family handler for facts. */
async function process(stored: ObjectVersion | undefined, incoming: ObjectVersion, type: string) {
  const newer = !stored || isNewerVersion(incoming, stored);
  const current = newer ? incoming : stored!;
  const row = {
    stripe_id: 're_1',
    data: current.object,
    deleted: false,
    version_event_id: current.eventId,
    version_created: current.created,
  } as unknown as StripeObjectRow;
  const event: StripeEventEnvelope = {
    id: incoming.eventId,
    type,
    created,
    data: { object: incoming.object, ...(incoming.previous ? { previous_attributes: incoming.previous } : {}) },
  };
  const result = await registry
    .get(type)!
    .handle({ event, connection, object: { outcome: newer ? 'updated' : 'superseded', current: row } });
  const facts: readonly Fact[] = isTranslation(result) ? result.facts : [];
  return { stored: current, facts };
}

describe('a refund that succeeded, then failed in the same second, under shuffled delivery', () => {
  it('ends failed whatever the arrival order and whatever the random event ids', async () => {
    const outcomes = new Set<string>();
    for (const ids of permutations(['evt_A', 'evt_B', 'evt_C', 'evt_D'])) {
      for (const order of permutations([0, 1, 2, 3])) {
        let stored: ObjectVersion | undefined;
        let lastStatus: string | undefined;
        for (const index of order) {
          const step = steps[index]!;
          const incoming = { created, eventId: ids[index]!, object: step.object, previous: step.previous, deleted: false };
          const result = await process(stored, incoming, step.type);
          stored = result.stored;
          for (const fact of result.facts) if (fact.kind === 'refund.recorded') lastStatus = fact.status;
        }
        expect(stored!.object.status, `ids ${ids.join(',')} order ${order.join(',')}`).toBe('failed');
        outcomes.add(lastStatus ?? 'none');
      }
    }
    // The refunds module hears `failed` last in every one of the 576 cases.
    expect([...outcomes]).toEqual(['failed']);
  });

  it('a late succeeded version never replaces the failed one, even with a later `created`', () => {
    const stored = { created, eventId: 'evt_A', object: failed, previous: null, deleted: false };
    const late = { created: created + 5, eventId: 'evt_Z', object: succeeded, previous: null, deleted: false };
    expect(isNewerVersion(late, stored)).toBe(false);
    expect(isNewerVersion(stored, late)).toBe(true);
  });

  it("previous_attributes' null describes a field the older version does not carry", () => {
    const older = { created, eventId: 'evt_Z', object: { id: 'prod_1', object: 'product', name: 'A' }, previous: null, deleted: false };
    const newer = {
      created,
      eventId: 'evt_A',
      object: { id: 'prod_1', object: 'product', name: 'A', unit_label: 'seat' },
      previous: { unit_label: null },
      deleted: false,
    };
    expect(isNewerVersion(newer, older)).toBe(true);
    expect(isNewerVersion(older, newer)).toBe(false);
  });
});
