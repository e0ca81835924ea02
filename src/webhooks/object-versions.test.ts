import { describe, expect, it } from 'vitest';
import { isNewerVersion, isTerminal, lifecycleRank, orderVersions, readVersionId, type ObjectVersion } from './object-versions';

// Pure-function tests for the version ordering the webhook store relies on (issue 18: each case
// pins a rule a mutant of object-versions.ts would break).
function version(object: Record<string, unknown>, overrides: Partial<ObjectVersion> = {}): ObjectVersion {
  return { created: 100, eventId: 'evt_b', object, previous: null, deleted: false, ...overrides };
}

const intent = (status: string, extra: Record<string, unknown> = {}) => ({ object: 'payment_intent', status, ...extra });
const refund = (status: string, extra: Record<string, unknown> = {}) => ({ object: 'refund', status, ...extra });
const subscription = (status: string, extra: Record<string, unknown> = {}) => ({ object: 'subscription', status, ...extra });

describe('lifecycleRank', () => {
  it('ranks by object type and status, and unknown types or statuses as 0', () => {
    expect(lifecycleRank(intent('processing'))).toBe(40);
    expect(lifecycleRank(intent('succeeded'))).toBe(90);
    expect(lifecycleRank(refund('succeeded'))).toBe(80);
    expect(lifecycleRank(refund('failed'))).toBe(90);
    expect(lifecycleRank({ object: 'payment_link', status: 'active' })).toBe(0);
    expect(lifecycleRank({ object: 'widget', status: 'succeeded' })).toBe(0);
    expect(lifecycleRank({ object: 'payment_intent' })).toBe(0);
    expect(lifecycleRank({ status: 'succeeded' })).toBe(0);
  });

  it('puts a paid checkout session after an unpaid one of the same status, and only for checkout sessions', () => {
    expect(lifecycleRank({ object: 'checkout.session', status: 'complete', payment_status: 'unpaid' })).toBe(80);
    expect(lifecycleRank({ object: 'checkout.session', status: 'complete', payment_status: 'paid' })).toBe(85);
    expect(lifecycleRank({ object: 'checkout.session', status: 'open', payment_status: 'paid' })).toBe(15);
    expect(lifecycleRank({ object: 'invoice', status: 'open', payment_status: 'paid' })).toBe(20);
  });

  it('puts a refunded charge after a non-refunded one, and only for charges', () => {
    expect(lifecycleRank({ object: 'charge', status: 'succeeded', refunded: false })).toBe(50);
    expect(lifecycleRank({ object: 'charge', status: 'succeeded', refunded: true })).toBe(55);
    expect(lifecycleRank({ object: 'charge', status: 'succeeded', refunded: 'yes' })).toBe(50);
    expect(lifecycleRank({ object: 'invoice', status: 'open', refunded: true })).toBe(20);
  });

  it('puts a failed attempt (requires_payment_method with an error) after the bare created intent', () => {
    const error = { last_payment_error: { code: 'card_declined' } };
    expect(lifecycleRank(intent('requires_payment_method'))).toBe(10);
    expect(lifecycleRank(intent('requires_payment_method', error))).toBe(15);
    expect(lifecycleRank(intent('processing', error))).toBe(40);
    expect(lifecycleRank({ object: 'refund', status: 'requires_payment_method', ...error })).toBe(0);
  });
});

describe('isTerminal', () => {
  it('is true from rank 90 up, false below', () => {
    expect(isTerminal(intent('succeeded'))).toBe(true);
    expect(isTerminal({ object: 'charge', status: 'failed' })).toBe(true);
    expect(isTerminal({ object: 'checkout.session', status: 'complete', payment_status: 'paid' })).toBe(false);
    expect(isTerminal(refund('succeeded'))).toBe(false);
  });
});

describe('isNewerVersion', () => {
  it('never replaces a deleted object, and a delete replaces anything else', () => {
    const deleted = version(intent('processing'), { deleted: true, created: 100 });
    expect(isNewerVersion(version(intent('succeeded'), { created: 200 }), deleted)).toBe(false);
    expect(isNewerVersion(version(intent('processing'), { created: 200, deleted: true }), deleted)).toBe(false);
    expect(isNewerVersion(version(intent('processing'), { created: 50, deleted: true }), version(intent('succeeded')))).toBe(true);
  });

  it('orders by created when neither version is terminal', () => {
    expect(isNewerVersion(version(intent('processing'), { created: 101 }), version(intent('requires_action')))).toBe(true);
    expect(isNewerVersion(version(intent('requires_action'), { created: 99 }), version(intent('processing')))).toBe(false);
    // A later created wins even with a lower rank: the rank only breaks same-second ties.
    expect(isNewerVersion(version(intent('requires_action'), { created: 101 }), version(intent('processing')))).toBe(true);
    expect(isNewerVersion(version(intent('processing'), { created: 99 }), version(intent('requires_action')))).toBe(false);
  });

  it('never lets a terminal version regress to an earlier stage, whatever created says', () => {
    const stored = version(intent('succeeded'), { created: 100 });
    expect(isNewerVersion(version(intent('processing'), { created: 200 }), stored)).toBe(false);
  });

  it('lets a terminal version replace an earlier stage made later, in either arrival order', () => {
    const stored = version(intent('processing'), { created: 200 });
    expect(isNewerVersion(version(intent('succeeded'), { created: 100 }), stored)).toBe(true);
  });

  it('orders two terminal versions of equal rank by created', () => {
    expect(isNewerVersion(version(intent('succeeded'), { created: 200 }), version(intent('canceled')))).toBe(true);
    expect(isNewerVersion(version(intent('canceled'), { created: 50 }), version(intent('succeeded')))).toBe(false);
  });

  it('within the same second, prefers the later lifecycle stage', () => {
    expect(isNewerVersion(version(intent('processing'), { eventId: 'evt_a' }), version(intent('requires_action')))).toBe(true);
    expect(isNewerVersion(version(intent('requires_action'), { eventId: 'evt_z' }), version(intent('processing')))).toBe(false);
  });

  it('ranks a failed refund above a succeeded one made in the same second, in both arrival orders', () => {
    const succeeded = version(refund('succeeded'), { eventId: 'evt_z' });
    const failed = version(refund('failed'), { eventId: 'evt_a' });
    expect(isNewerVersion(failed, succeeded)).toBe(true);
    expect(isNewerVersion(succeeded, failed)).toBe(false);
    // A failed refund made before the succeeded one still ends it: failed is terminal.
    expect(isNewerVersion(version(refund('failed'), { created: 50 }), version(refund('succeeded'), { created: 200 }))).toBe(true);
  });

  it('within the same second and stage, prefers the version whose previous_attributes describe the other', () => {
    const older = version({ object: 'customer', email: 'a@example.test' }, { eventId: 'evt_z' });
    const newer = version({ object: 'customer', email: 'b@example.test' }, { eventId: 'evt_a', previous: { email: 'a@example.test' } });
    expect(isNewerVersion(newer, older)).toBe(true);
    expect(isNewerVersion(older, newer)).toBe(false);
  });

  it('needs every field of previous_attributes to match, not just one', () => {
    const stored = version({ object: 'customer', email: 'a@example.test', name: 'Ann' }, { eventId: 'evt_z' });
    const incoming = version(
      { object: 'customer', email: 'b@example.test', name: 'Bob' },
      { eventId: 'evt_a', previous: { email: 'a@example.test', name: 'Someone else' } },
    );
    expect(isNewerVersion(incoming, stored)).toBe(false);
  });

  it('compares previous_attributes by value, whatever the key order', () => {
    const stored = version({ object: 'customer', metadata: { b: '2', a: '1' } }, { eventId: 'evt_z' });
    const incoming = version(
      { object: 'customer', metadata: { a: '9' } },
      { eventId: 'evt_a', previous: { metadata: { a: '1', b: '2' } } },
    );
    expect(isNewerVersion(incoming, stored)).toBe(true);
  });

  it('matches a null in previous_attributes to a field the other version does not carry', () => {
    const stored = version(refund('pending'), { eventId: 'evt_z' });
    const incoming = version(refund('pending', { failure_reason: 'lost_or_stolen_card' }), {
      eventId: 'evt_a',
      previous: { failure_reason: null },
    });
    expect(isNewerVersion(incoming, stored)).toBe(true);
    expect(isNewerVersion(stored, incoming)).toBe(false);
  });

  it('treats empty previous_attributes as describing nothing and falls back to the event id', () => {
    const stored = version({ object: 'customer' }, { eventId: 'evt_b' });
    expect(isNewerVersion(version({ object: 'customer' }, { eventId: 'evt_a', previous: {} }), stored)).toBe(false);
    expect(isNewerVersion(version({ object: 'customer' }, { eventId: 'evt_c', previous: {} }), stored)).toBe(true);
  });

  it('breaks a full tie by the larger event id, and an identical version is not newer', () => {
    const stored = version({ object: 'customer' }, { eventId: 'evt_b' });
    expect(isNewerVersion(version({ object: 'customer' }, { eventId: 'evt_c' }), stored)).toBe(true);
    expect(isNewerVersion(version({ object: 'customer' }, { eventId: 'evt_a' }), stored)).toBe(false);
    expect(isNewerVersion(version({ object: 'customer' }, { eventId: 'evt_b' }), stored)).toBe(false);
  });
});

// Issue 15: a subscription's statuses go back and forth, so within one second no rank orders them.
describe('orderVersions for subscriptions in one second', () => {
  const pastDue = version(subscription('past_due', { latest_invoice: 'in_2' }), { eventId: 'evt_p', previous: { status: 'active' } });
  const active = version(subscription('active', { latest_invoice: 'in_2' }), { eventId: 'evt_a', previous: { status: 'past_due' } });

  it('leaves a round trip (each previous_attributes describing the other) unsettled, keeping the stored version in both orders', () => {
    expect(orderVersions(active, pastDue)).toEqual({ newer: false, settled: false });
    expect(orderVersions(pastDue, active)).toEqual({ newer: false, settled: false });
    expect(isNewerVersion(pastDue, active)).toBe(false);
  });

  it('settles by previous_attributes when only one version describes the other, even against the rank', () => {
    // The failed renewal changed the latest invoice too, so its previous_attributes do not describe the paid version.
    const before = version(subscription('past_due', { latest_invoice: 'in_2' }), {
      eventId: 'evt_z',
      previous: { status: 'active', latest_invoice: 'in_1' },
    });
    const after = version(subscription('active', { latest_invoice: 'in_2' }), { eventId: 'evt_a', previous: { status: 'past_due' } });
    expect(orderVersions(after, before)).toEqual({ newer: true, settled: true });
    expect(orderVersions(before, after)).toEqual({ newer: false, settled: true });
  });

  it('leaves two different versions that say nothing about each other unsettled, also with the same status', () => {
    const a = version(subscription('active', { cancel_at_period_end: true }), { eventId: 'evt_a' });
    const b = version(subscription('active', { cancel_at_period_end: false }), { eventId: 'evt_b' });
    expect(orderVersions(a, b)).toEqual({ newer: false, settled: false });
    expect(orderVersions(b, a)).toEqual({ newer: false, settled: false });
  });

  it('settles two events carrying the same object by event id: their order changes nothing', () => {
    const a = version(subscription('active'), { eventId: 'evt_a' });
    const b = version(subscription('active'), { eventId: 'evt_b' });
    expect(orderVersions(b, a)).toEqual({ newer: true, settled: true });
    expect(orderVersions(a, b)).toEqual({ newer: false, settled: true });
  });

  it('settles across the stages a subscription only moves forward through: incomplete, trialing, then the rest', () => {
    const incomplete = version(subscription('incomplete'), { eventId: 'evt_z' });
    const trialing = version(subscription('trialing', { latest_invoice: null }), { eventId: 'evt_y' });
    // The trial's end: its previous_attributes name an invoice the trialing version did not show yet.
    const trialOver = version(subscription('active', { latest_invoice: 'in_2' }), {
      eventId: 'evt_a',
      previous: { status: 'trialing', latest_invoice: 'in_1' },
    });
    expect(orderVersions(trialing, incomplete)).toEqual({ newer: true, settled: true });
    expect(orderVersions(incomplete, trialing)).toEqual({ newer: false, settled: true });
    expect(orderVersions(trialOver, trialing)).toEqual({ newer: true, settled: true });
    expect(orderVersions(trialing, trialOver)).toEqual({ newer: false, settled: true });
    expect(orderVersions(version(subscription('paused'), { eventId: 'evt_a' }), trialing)).toEqual({ newer: true, settled: true });
  });

  it('leaves active and paused, like active and past_due, to Stripe', () => {
    const paused = version(subscription('paused'), { eventId: 'evt_b', previous: { status: 'active' } });
    const resumed = version(subscription('active'), { eventId: 'evt_a', previous: { status: 'paused' } });
    expect(orderVersions(resumed, paused)).toEqual({ newer: false, settled: false });
    expect(orderVersions(paused, resumed)).toEqual({ newer: false, settled: false });
  });

  it('settles when either version is terminal: canceled ends it in both arrival orders', () => {
    const canceled = version(subscription('canceled'), { eventId: 'evt_a', previous: { status: 'active' } });
    expect(orderVersions(canceled, pastDue)).toEqual({ newer: true, settled: true });
    expect(orderVersions(pastDue, canceled)).toEqual({ newer: false, settled: true });
  });

  it('lets a read from Stripe win a tie against an event, in both orders, and orders two reads by when they were taken', () => {
    const read = version(subscription('active'), { eventId: readVersionId(new Date(100_500)) });
    expect(orderVersions(read, pastDue)).toEqual({ newer: true, settled: true });
    expect(orderVersions(pastDue, read)).toEqual({ newer: false, settled: true });
    const later = version(subscription('past_due'), { eventId: readVersionId(new Date(100_900)) });
    expect(orderVersions(later, read)).toEqual({ newer: true, settled: true });
    expect(orderVersions(read, later)).toEqual({ newer: false, settled: true });
  });

  it('still orders different seconds by created, settled', () => {
    expect(orderVersions({ ...active, created: 101 }, pastDue)).toEqual({ newer: true, settled: true });
    expect(orderVersions({ ...pastDue, created: 99 }, active)).toEqual({ newer: false, settled: true });
  });

  it('keeps rank-ordered objects (payment intents, invoices, refunds) settled within a second', () => {
    expect(orderVersions(version(intent('processing'), { eventId: 'evt_a' }), version(intent('requires_action')))).toEqual({
      newer: true,
      settled: true,
    });
    expect(
      orderVersions(version({ object: 'invoice', status: 'open' }, { eventId: 'evt_z' }), version({ object: 'invoice', status: 'draft' })),
    ).toEqual({
      newer: true,
      settled: true,
    });
  });
});
