import { invalidRequest } from './errors';
import type { Json } from './json';
import { requiredString } from './params';

/**
 * The currencies Stripe charges in. The sandbox is independent of Paybridge, so it keeps its own
 * copy; test/api/currencies.test.ts checks it equals src/stripe/currencies.ts.
 */
export const SANDBOX_CURRENCIES: ReadonlySet<string> = new Set(
  (
    'aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd bwp byn bzd cad cdf chf clp cny cop crc cve czk ' +
    'djf dkk dop dzd egp etb eur fjd fkp gbp gel gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd ' +
    'kyd kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok npr nzd omr pab pen pgk php pkr pln ' +
    'pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos srd szl thb tjs tnd top try ttd twd tzs uah ugx usd uyu uzs vnd vuv wst xaf ' +
    'xcd xof xpf yer zar zmw'
  ).split(' '),
);

/** A required `currency` parameter, refused as Stripe refuses a code it does not support. */
export function requiredCurrency(params: Json, name: string, label = name): string {
  const currency = requiredString(params, name, label).toLowerCase();
  if (!SANDBOX_CURRENCIES.has(currency)) {
    throw invalidRequest(
      `Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...SANDBOX_CURRENCIES].join(', ')}`,
      undefined,
      label,
    );
  }
  return currency;
}
