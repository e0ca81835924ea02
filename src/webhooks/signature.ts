import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure =
  'missing_signature_header' | 'malformed_signature_header' | 'timestamp_outside_tolerance' | 'no_matching_signature';

export type SignatureResult = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure; message: string };

const messages: Record<SignatureFailure, string> = {
  missing_signature_header:
    'The Stripe-Signature header is missing. Only Stripe (or a tool that signs like Stripe) can deliver events here.',
  malformed_signature_header:
    'The Stripe-Signature header is not of the form t=<timestamp>,v1=<hex signature>. Forward the header exactly as Stripe sent it.',
  timestamp_outside_tolerance:
    'The signature timestamp is more than 300 seconds from our clock: a replayed delivery, or a server clock that is off. Check NTP on the sending side.',
  no_matching_signature:
    "No v1 signature matches this connection's signing secrets. Check that webhook_secret is the endpoint's signing secret (whsec_…, from Stripe → Developers → Webhooks → the endpoint → Reveal) and not its id (we_…), and that the raw body was not re-serialised on the way.",
};

/**
 * Parses `t=…,v1=…,v1=…,v0=…`; unknown schemes are ignored as Stripe documents. A v1 value that is
 * not 64 hex characters can match nothing, so it is dropped here and the delivery ends as
 * no_matching_signature (the header's form was right; its signature is not).
 */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined;
  let schemes = 0;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return undefined;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (key === 'v1') {
      schemes += 1;
      if (/^[0-9a-f]{64}$/.test(value)) signatures.push(value);
    }
  }
  if (timestamp === undefined || schemes === 0) return undefined;
  return { timestamp, signatures };
}

/**
 * Verifies Stripe's scheme on the raw bytes: HMAC-SHA256 of `<t>.<body>` with each active secret,
 * compared in constant time against every v1 value, so a secret in its rotation overlap still verifies.
 */
export function verifyStripeSignature(options: {
  rawBody: Uint8Array;
  header: string | undefined;
  secrets: readonly string[];
  nowSeconds: number;
  toleranceSeconds?: number;
}): SignatureResult {
  const fail = (reason: SignatureFailure): SignatureResult => ({ ok: false, reason, message: messages[reason] });
  if (!options.header) return fail('missing_signature_header');
  const parsed = parseSignatureHeader(options.header);
  if (!parsed) return fail('malformed_signature_header');
  if (Math.abs(options.nowSeconds - parsed.timestamp) > (options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return fail('timestamp_outside_tolerance');
  }
  const candidates = parsed.signatures.map((hex) => Buffer.from(hex, 'hex'));
  for (const secret of options.secrets) {
    const expected = createHmac('sha256', secret).update(`${parsed.timestamp}.`).update(options.rawBody).digest();
    if (candidates.some((candidate) => timingSafeEqual(candidate, expected))) return { ok: true, timestamp: parsed.timestamp };
  }
  return fail('no_matching_signature');
}

/** Signs like Stripe does; used by tests, benchmarks and the replay tooling. */
export function signStripePayload(payload: string, secrets: readonly string[], timestamp: number): string {
  const signatures = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest('hex')}`);
  return [`t=${timestamp}`, ...signatures].join(',');
}
