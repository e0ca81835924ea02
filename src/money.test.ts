import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  THREE_DECIMAL_CURRENCIES,
  ZERO_DECIMAL_CURRENCIES,
  checkAmountForStripe,
  currencyExponent,
  formatMinorUnits,
  isValidCurrencyCode,
  parseMajorUnits,
} from './money';

describe('money', () => {
  it('formats minor units by the currency exponent', () => {
    expect(formatMinorUnits(2000, 'usd')).toBe('20.00');
    expect(formatMinorUnits(500, 'JPY')).toBe('500');
    expect(formatMinorUnits(5120, 'kwd')).toBe('5.120');
    expect(formatMinorUnits(5, 'EUR')).toBe('0.05');
    expect(formatMinorUnits(-1999, 'USD')).toBe('-19.99');
    expect(formatMinorUnits(50000, 'ISK')).toBe('500');
  });

  it('uses exactly the exponent lists of SPEC §2', () => {
    // The spec is the source of truth; read its sentence and compare, so the two cannot drift apart.
    const spec = readFileSync(new URL('../../shared/SPEC.md', import.meta.url), 'utf8');
    const zero = /zero-decimal ([A-Z ]+);/.exec(spec)![1]!.trim().split(/\s+/);
    const three = /three-decimal ([A-Z ]+) \(/.exec(spec)![1]!.trim().split(/\s+/);
    expect([...ZERO_DECIMAL_CURRENCIES].sort()).toEqual(zero.sort());
    expect([...THREE_DECIMAL_CURRENCIES].sort()).toEqual(three.sort());
    for (const code of zero) expect(currencyExponent(code)).toBe(0);
    for (const code of three) expect(currencyExponent(code)).toBe(3);
    expect(currencyExponent('USD')).toBe(2);
  });

  it('round-trips any integer amount exactly', () => {
    const currencies = ['USD', 'JPY', 'KWD', 'EUR', 'CLP', 'BHD'];
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(...currencies), (amount, currency) => {
        expect(parseMajorUnits(formatMinorUnits(amount, currency), currency)).toBe(amount);
      }),
    );
  });

  it('refuses more precision than the currency has', () => {
    expect(() => parseMajorUnits('20.005', 'USD')).toThrow(/2 decimal places/);
    expect(() => parseMajorUnits('1.5', 'JPY')).toThrow(/0 decimal places/);
    expect(() => parseMajorUnits('abc', 'USD')).toThrow(/not an amount/);
  });

  it('requires three-decimal amounts to end in zero', () => {
    expect(checkAmountForStripe(5125, 'KWD')).toMatch(/end in 0/);
    expect(checkAmountForStripe(5120, 'KWD')).toBeNull();
    expect(checkAmountForStripe(1.5, 'USD')).toMatch(/whole number/);
  });

  it('accepts exactly three letters as a currency code', () => {
    expect(isValidCurrencyCode('usd')).toBe(true);
    expect(isValidCurrencyCode('EUR')).toBe(true);
    expect(isValidCurrencyCode('USDX')).toBe(false);
    expect(isValidCurrencyCode('XUSD')).toBe(false);
    expect(isValidCurrencyCode('US')).toBe(false);
    expect(isValidCurrencyCode('U1D')).toBe(false);
  });

  it('formats zero without a sign', () => {
    expect(formatMinorUnits(0, 'USD')).toBe('0.00');
    expect(formatMinorUnits(0n, 'JPY')).toBe('0');
  });

  it('parses ISK as a whole-unit currency sent ×100, in any letter case', () => {
    expect(parseMajorUnits('500', 'ISK')).toBe(50000);
    expect(parseMajorUnits('-3', 'isk')).toBe(-300);
    expect(() => parseMajorUnits('5.5', 'isk')).toThrow('ISK has 0 decimal places; "5.5" has 1');
  });

  it('names the currency in upper case in its errors', () => {
    expect(() => parseMajorUnits('20.005', 'usd')).toThrow('USD has 2 decimal places; "20.005" has 3');
    expect(checkAmountForStripe(5125, 'kwd')).toBe('KWD amounts must end in 0 (Stripe settles three-decimal currencies in hundredths)');
  });

  it('parses whole amounts and ignores surrounding spaces, but nothing else around the number', () => {
    expect(parseMajorUnits('20', 'USD')).toBe(2000);
    expect(parseMajorUnits('  20.50 ', 'USD')).toBe(2050);
    expect(parseMajorUnits('7', 'JPY')).toBe(7);
    expect(() => parseMajorUnits('20.00x', 'USD')).toThrow('"20.00x" is not an amount; write it like 20.00');
    expect(() => parseMajorUnits('x20.00', 'USD')).toThrow(/not an amount/);
    expect(() => parseMajorUnits('', 'USD')).toThrow(/not an amount/);
  });

  it('accepts amounts up to the largest safe integer of minor units and refuses one more, either sign', () => {
    expect(parseMajorUnits('90071992547409.91', 'USD')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseMajorUnits('-90071992547409.91', 'USD')).toBe(-Number.MAX_SAFE_INTEGER);
    expect(() => parseMajorUnits('90071992547409.92', 'USD')).toThrow('"90071992547409.92" is too large');
    expect(() => parseMajorUnits('-90071992547409.92', 'USD')).toThrow('"-90071992547409.92" is too large');
  });

  it('only asks three-decimal currencies to end in zero', () => {
    expect(checkAmountForStripe(5125, 'USD')).toBeNull();
    expect(checkAmountForStripe(7, 'JPY')).toBeNull();
  });
});
