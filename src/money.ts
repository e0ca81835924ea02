/**
 * Money is an integer count of minor units plus an ISO currency. These lists are Stripe's
 * (docs: "Zero-decimal currencies", "Three-decimal currencies"); no float ever touches an amount.
 */
export const ZERO_DECIMAL_CURRENCIES = [
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
] as const;

export const THREE_DECIMAL_CURRENCIES = ['BHD', 'JOD', 'KWD', 'OMR', 'TND'] as const;

const zeroDecimal = new Set<string>(ZERO_DECIMAL_CURRENCIES);
const threeDecimal = new Set<string>(THREE_DECIMAL_CURRENCIES);

/** How many digits of the API amount sit after the decimal point. */
export function currencyExponent(currency: string): 0 | 2 | 3 {
  const code = currency.toUpperCase();
  if (zeroDecimal.has(code)) return 0;
  if (threeDecimal.has(code)) return 3;
  return 2;
}

export function isValidCurrencyCode(currency: string): boolean {
  return /^[A-Za-z]{3}$/.test(currency);
}

/** Amount in minor units → display string: USD 2000 → "20.00", JPY 500 → "500", KWD 5120 → "5.120", ISK 50000 → "500". */
export function formatMinorUnits(amount: number | bigint, currency: string): string {
  const code = currency.toUpperCase();
  let value = BigInt(amount);
  const negative = value < 0n;
  if (negative) value = -value;
  let exponent: number = currencyExponent(code);
  // Stripe takes ISK amounts ×100 like a two-decimal currency, but ISK has no minor unit to show.
  if (code === 'ISK') {
    value = value / 100n;
    exponent = 0;
  }
  const digits = value.toString().padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? '' : `.${digits.slice(-exponent)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** Display string → minor units, refusing more precision than the currency has ("20.005" USD is an error). */
export function parseMajorUnits(display: string, currency: string): number {
  const code = currency.toUpperCase();
  const exponent = code === 'ISK' ? 0 : currencyExponent(code);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(display.trim());
  if (!match) throw new RangeError(`"${display}" is not an amount; write it like 20.00`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new RangeError(`${code} has ${exponent} decimal places; "${display}" has ${fraction.length}`);
  }
  let minor = BigInt(whole! + fraction.padEnd(exponent, '0'));
  if (code === 'ISK') minor *= 100n;
  if (sign === '-') minor = -minor;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`"${display}" is too large`);
  }
  return Number(minor);
}

/** Stripe requires three-decimal amounts to end in 0 (they settle in hundredths). */
export function checkAmountForStripe(amount: number, currency: string): string | null {
  if (!Number.isSafeInteger(amount)) return 'must be a whole number of minor units';
  if (currencyExponent(currency) === 3 && amount % 10 !== 0) {
    return `${currency.toUpperCase()} amounts must end in 0 (Stripe settles three-decimal currencies in hundredths)`;
  }
  return null;
}
