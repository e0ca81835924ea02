import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { signatureHeader } from './signature';

const verifier = new Stripe('sk_test_unused');

describe('Stripe-Signature', () => {
  it('verifies with the SDK for any body and any of the secrets', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.stringMatching(/^[A-Za-z0-9]{8,32}$/), { minLength: 1, maxLength: 3 }), (text, raw) => {
        const body = JSON.stringify({ id: 'evt_1', object: 'event', text });
        const secrets = raw.map((s) => `whsec_${s}`);
        const header = signatureHeader(body, secrets, Math.floor(Date.now() / 1000));
        expect(header).not.toContain(' ');
        expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(secrets.length);
        for (const secret of secrets) expect(verifier.webhooks.constructEvent(body, header, secret).id).toBe('evt_1');
      }),
      { numRuns: 50 },
    );
  });
});
