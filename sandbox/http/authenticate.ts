import { maskKey, type ApiKey } from '../core/accounts';
import { StripeApiError } from '../core/errors';
import { grants, permissionName, type Permission } from '../core/permissions';
import type { Sandbox } from '../core/sandbox';

function unauthorized(message: string): StripeApiError {
  return new StripeApiError(401, 'invalid_request_error', message);
}

/** Resolves `Authorization: Bearer <key>` (or Basic with the key as user, as curl -u sends). */
export function authenticate(sandbox: Sandbox, header: string | undefined): ApiKey {
  let key: string | undefined;
  if (header?.startsWith('Bearer ')) key = header.slice(7).trim();
  else if (header?.startsWith('Basic ')) key = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0];
  if (!key) {
    throw unauthorized(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
    );
  }
  const found = sandbox.accounts.findKey(key);
  if (!found) throw unauthorized(`Invalid API Key provided: ${maskKey(key)}`);
  if (found.kind === 'publishable') {
    throw unauthorized(
      'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
    );
  }
  return found;
}

/** Restricted keys need the route's permission; Stripe answers 403 naming it and the account. */
export function authorize(key: ApiKey, needed: Permission): void {
  if (key.kind !== 'restricted' || grants(key.permissions, needed)) return;
  throw new StripeApiError(
    403,
    'invalid_request_error',
    `The provided key '${maskKey(key.key)}' does not have the required permissions for this endpoint on account '${key.scope.account}'. ` +
      `Having the '${permissionName(needed)}' permission would allow this request to continue.`,
  );
}
