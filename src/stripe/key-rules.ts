import { AppError, invalidField } from '../errors';

export type Mode = 'test' | 'live';

const SECRET_KEY = /^(sk|rk)_(test|live)_[0-9A-Za-z]{10,247}$/;
const PUBLISHABLE_KEY = /^pk_(test|live)_[0-9A-Za-z]{10,247}$/;
const SIGNING_SECRET = /^whsec_[0-9A-Za-z+/=]{8,247}$/;
const ACCOUNT_ID = /^acct_[0-9A-Za-z]{4,64}$/;

/**
 * Format rules for what admins paste, each mistake with its own code and a fix. They run before any
 * call to Stripe, and their messages never echo the pasted value (it may be a live secret).
 */
export function parseSecretKey(value: string, field = 'secret_key'): { mode: Mode; restricted: boolean } {
  const key = value.trim();
  if (key.startsWith('pk_')) {
    throw invalidField(
      field,
      'publishable_key_as_secret',
      'This is a publishable key (pk_…). Paste the secret key (sk_…) or a restricted key (rk_…) from Stripe Dashboard → Developers → API keys; the publishable key goes in publishable_key.',
    );
  }
  if (key.startsWith('whsec_')) {
    throw invalidField(
      field,
      'webhook_secret_as_api_key',
      'This is a webhook signing secret (whsec_…). Paste the secret key (sk_…) or restricted key (rk_…) here and the signing secret in webhook_secret.',
    );
  }
  const match = SECRET_KEY.exec(key);
  if (!match) {
    throw invalidField(
      field,
      'invalid_key_format',
      'A secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_ followed by letters and digits. Copy it again from Stripe Dashboard → Developers → API keys, without spaces or quotes.',
    );
  }
  return { mode: match[2] as Mode, restricted: match[1] === 'rk' };
}

export function parsePublishableKey(value: string, field = 'publishable_key'): { mode: Mode } {
  const key = value.trim();
  if (/^(sk|rk)_/.test(key)) {
    throw invalidField(
      field,
      'secret_key_as_publishable',
      'This is a secret key (sk_…/rk_…), not a publishable key. Paste the key that starts with pk_test_ or pk_live_, and keep the secret key in secret_key.',
    );
  }
  const match = PUBLISHABLE_KEY.exec(key);
  if (!match) {
    throw invalidField(
      field,
      'invalid_key_format',
      'A publishable key starts with pk_test_ or pk_live_ followed by letters and digits. Copy it from Stripe Dashboard → Developers → API keys.',
    );
  }
  return { mode: match[1] as Mode };
}

export function checkSigningSecret(value: string, field = 'webhook_secret'): void {
  const secret = value.trim();
  if (/^we_[0-9A-Za-z]+$/.test(secret)) {
    throw invalidField(
      field,
      'webhook_secret_looks_like_endpoint_id',
      'This is the webhook endpoint id (we_…), not its signing secret. In Stripe Dashboard → Developers → Webhooks, open the endpoint and click "Reveal" under Signing secret; it starts with whsec_.',
    );
  }
  if (/^(sk|rk|pk)_/.test(secret)) {
    throw invalidField(
      field,
      'api_key_as_webhook_secret',
      "This is an API key, not a webhook signing secret. The signing secret starts with whsec_ and is shown on the webhook endpoint's page in Stripe.",
    );
  }
  if (!SIGNING_SECRET.test(secret)) {
    throw invalidField(
      field,
      'invalid_webhook_secret_format',
      "A webhook signing secret starts with whsec_ followed by letters and digits. Copy it again from the endpoint's page in Stripe (Signing secret → Reveal).",
    );
  }
}

export function checkAccountId(value: string, field = 'account_id'): void {
  if (!ACCOUNT_ID.test(value.trim())) {
    throw invalidField(
      field,
      'invalid_account_id',
      'A Stripe account id starts with acct_ (Stripe Dashboard → Settings → Account details).',
    );
  }
}

/** Test keys with live keys in one connection would send test events to live state; refuse the mix. */
export function requireSameMode(secretMode: Mode, otherMode: Mode, field: string): void {
  if (secretMode !== otherMode) {
    throw new AppError({
      code: 'mode_mismatch',
      status: 422,
      field,
      message: `The secret key is a ${secretMode} key but ${field} is a ${otherMode} key. Use keys from the same mode; create a separate connection for ${otherMode} mode.`,
    });
  }
}
