import { describe, expect, it } from 'vitest';
import { observationsOf } from './observe-objects';
import { statusOfIntent, statusOfSession } from './stripe-status';

describe('what a Stripe object says about a payment request', () => {
  it('reads the payment intent status, never the event type', () => {
    const error = { code: 'card_declined', message: 'Your card was declined.' };
    expect(statusOfIntent({ status: 'requires_payment_method' })).toBe('pending');
    expect(statusOfIntent({ status: 'requires_payment_method', last_payment_error: error })).toBe('failed');
    // After a failure the customer picks another method: Stripe clears the error, and the request waits again.
    expect(statusOfIntent({ status: 'requires_confirmation', last_payment_error: null })).toBe('pending');
    expect(statusOfIntent({ status: 'requires_action' })).toBe('requires_action');
    expect(statusOfIntent({ status: 'processing' })).toBe('processing');
    expect(statusOfIntent({ status: 'requires_capture' })).toBe('processing');
    expect(statusOfIntent({ status: 'succeeded' })).toBe('succeeded');
    expect(statusOfIntent({ status: 'canceled' })).toBe('canceled');
    expect(statusOfIntent({ status: 'something_new' })).toBeUndefined();
  });

  it('reads a checkout session: expired ends it, complete is paid or settling, open says nothing', () => {
    expect(statusOfSession({ status: 'open' })).toBeUndefined();
    expect(statusOfSession({ status: 'expired' })).toBe('expired');
    expect(statusOfSession({ status: 'complete', payment_status: 'paid' })).toBe('succeeded');
    expect(statusOfSession({ status: 'complete', payment_status: 'unpaid' })).toBe('processing');
  });

  it('turns a refreshed object into observations: a succeeded intent is a payment with its charge', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(
      observationsOf(
        {
          id: 'pi_1',
          object: 'payment_intent',
          status: 'succeeded',
          amount: 500,
          amount_received: 500,
          currency: 'usd',
          latest_charge: 'ch_1',
        },
        now,
      ),
    ).toEqual([{ kind: 'paid', paymentIntentId: 'pi_1', chargeId: 'ch_1', amount: 500, currency: 'USD', paidAt: now, source: 'refresh' }]);
    expect(
      observationsOf(
        {
          id: 'pi_2',
          object: 'payment_intent',
          status: 'requires_payment_method',
          last_payment_error: { charge: 'ch_9', code: 'card_declined' },
        },
        now,
      ),
    ).toEqual([{ kind: 'status', status: 'failed', paymentIntentId: 'pi_2', failure: 'card_declined', attemptId: 'ch_9' }]);
    expect(observationsOf({ id: 'cs_1', object: 'checkout.session', status: 'open' }, now)).toEqual([]);
  });
});
