import { describe, expect, it } from 'vitest';
import { useSandbox } from './testing/use-sandbox';

const t = useSandbox();
const DAY = 24 * 60 * 60;

/**
 * Stripe takes seconds to advance a test clock; the sandbox advances at once but never finishes two
 * advances of one clock in the same second, so the events of consecutive advances (a renewal that
 * fails, then the retry that pays) never share a `created` second.
 */
describe('test clock advances', () => {
  it('two advances back to back emit their events in different seconds', async () => {
    const start = Math.floor(Date.UTC(2030, 0, 15, 12) / 1000);
    const clock = await t.stripe.testHelpers.testClocks.create({ frozen_time: start });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + DAY });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 2 * DAY });
    await t.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: start + 3 * DAY });
    const ready = (await t.stripe.events.list({ type: 'test_helpers.test_clock.ready', limit: 10 })).data;
    const seconds = ready.map((event) => event.created);
    expect(seconds).toHaveLength(3);
    expect(new Set(seconds).size).toBe(3);
  });
});
