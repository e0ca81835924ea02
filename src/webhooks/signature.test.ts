import { describe, expect, it } from 'vitest';
import { parseSignatureHeader, signStripePayload, verifyStripeSignature } from './signature';

// Edges of Stripe's signature scheme that the HTTP tests do not reach (issue 18, mutation testing).
const secret = 'whsec_test_edges';
const body = '{"id":"evt_1","object":"event"}';
const rawBody = new TextEncoder().encode(body);

describe('parseSignatureHeader', () => {
  it('needs a timestamp and at least one v1 entry', () => {
    expect(parseSignatureHeader('t=1700000000')).toBeUndefined();
    expect(parseSignatureHeader(`t=1700000000,v0=${'a'.repeat(64)}`)).toBeUndefined();
    expect(parseSignatureHeader(`v1=${'a'.repeat(64)}`)).toBeUndefined();
    expect(parseSignatureHeader(`t=1700000000,v1=${'a'.repeat(64)}`)).toEqual({ timestamp: 1700000000, signatures: ['a'.repeat(64)] });
  });

  it('drops a v1 value that is not exactly 64 hex characters, keeping the header well-formed', () => {
    expect(parseSignatureHeader(`t=1700000000,v1=${'a'.repeat(66)}`)).toEqual({ timestamp: 1700000000, signatures: [] });
    expect(parseSignatureHeader(`t=1700000000,v1=x${'a'.repeat(64)}`)).toEqual({ timestamp: 1700000000, signatures: [] });
  });
  it('refuses a part without a key or without "="', () => {
    const v1 = `v1=${'a'.repeat(64)}`;
    expect(parseSignatureHeader(`t=1700000000,${v1},junk`)).toBeUndefined();
    expect(parseSignatureHeader(`t=1700000000,${v1},=x`)).toBeUndefined();
  });

  it('trims spaces around keys and values', () => {
    expect(parseSignatureHeader(`t=1700000000 , v1= ${'a'.repeat(64)}`)).toEqual({ timestamp: 1700000000, signatures: ['a'.repeat(64)] });
  });

  it('refuses a timestamp that is not 1 to 12 digits', () => {
    const v1 = `v1=${'a'.repeat(64)}`;
    for (const t of ['abc', '12a', 'a12', '1234567890123', '']) expect(parseSignatureHeader(`t=${t},${v1}`)).toBeUndefined();
  });
});

describe('verifyStripeSignature', () => {
  const t = 1_700_000_000;

  it('accepts a timestamp exactly at the tolerance and refuses one second beyond, either side', () => {
    const header = signStripePayload(body, [secret], t);
    expect(verifyStripeSignature({ rawBody, header, secrets: [secret], nowSeconds: t + 300 })).toEqual({ ok: true, timestamp: t });
    expect(verifyStripeSignature({ rawBody, header, secrets: [secret], nowSeconds: t - 300 })).toEqual({ ok: true, timestamp: t });
    expect(verifyStripeSignature({ rawBody, header, secrets: [secret], nowSeconds: t + 301 })).toMatchObject({
      ok: false,
      reason: 'timestamp_outside_tolerance',
    });
    expect(verifyStripeSignature({ rawBody, header, secrets: [secret], nowSeconds: t - 301 })).toMatchObject({
      ok: false,
      reason: 'timestamp_outside_tolerance',
    });
  });

  it('answers no_matching_signature, not a crash, for a valid signature with extra hex appended', () => {
    const header = `${signStripePayload(body, [secret], t)}00`;
    expect(verifyStripeSignature({ rawBody, header, secrets: [secret], nowSeconds: t })).toMatchObject({
      ok: false,
      reason: 'no_matching_signature',
    });
  });

  it('refuses a header with only a timestamp as malformed', () => {
    expect(verifyStripeSignature({ rawBody, header: `t=${t}`, secrets: [secret], nowSeconds: t })).toMatchObject({
      ok: false,
      reason: 'malformed_signature_header',
    });
  });
});
