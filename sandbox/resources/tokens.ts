import { StripeApiError, invalidRequest, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import type { Json, StripeObject } from '../core/json';
import { optionalInteger, optionalRecord, optionalString, requiredString } from '../core/params';
import { read, write, type ApiContext, type Resource } from '../core/resource';
import { fingerprint, lookupCard } from '../payments/cards';

// Card tokens (`POST /v1/tokens` with raw numbers, allowed in test mode). The number stays in the
// sandbox's private store, never on the token; a token can be used once, as on Stripe.

const CARD_FIELDS = [
  'number',
  'exp_month',
  'exp_year',
  'cvc',
  'name',
  'address_line1',
  'address_line2',
  'address_city',
  'address_state',
  'address_zip',
  'address_country',
  'currency',
];

/** The card number behind a token this account created, marking the token used. */
export function consumeToken(ctx: ApiContext, id: string, param: string): string {
  const token = ctx.sandbox.store.get(ctx.scope, 'token', id);
  const number = token ? ctx.sandbox.store.getRelated<string>(id, 'number') : undefined;
  if (!token || !number) throw noSuch('token', id, param);
  if (token.used === true) throw invalidRequest(`You cannot use a Stripe token more than once: ${id}.`, 'token_already_used', param);
  token.used = true;
  return number;
}

function createToken(ctx: ApiContext): StripeObject {
  const raw = optionalRecord(ctx.params, 'card');
  if (!raw) throw missingParam('card');
  for (const key of Object.keys(raw))
    if (!CARD_FIELDS.includes(key)) throw invalidRequest(`Received unknown parameter: card[${key}]`, 'parameter_unknown', `card[${key}]`);
  const number = requiredString(raw, 'number', 'card[number]');
  const card = lookupCard(number);
  if (!card) throw new StripeApiError(402, 'card_error', 'Your card number is incorrect.', 'incorrect_number', 'card[number]');
  const text = (field: string) => optionalString(raw, field, `card[${field}]`) ?? null;
  const id = newId('tok', 24);
  const cardObject: Json = {
    id: newId('card', 24),
    object: 'card',
    address_city: text('address_city'),
    address_country: text('address_country'),
    address_line1: text('address_line1'),
    address_line1_check: null,
    address_line2: text('address_line2'),
    address_state: text('address_state'),
    address_zip: text('address_zip'),
    address_zip_check: null,
    brand: card.brand === 'amex' ? 'American Express' : card.brand.charAt(0).toUpperCase() + card.brand.slice(1),
    country: 'US',
    cvc_check: raw.cvc === undefined ? null : 'unchecked',
    dynamic_last4: null,
    exp_month: optionalInteger(raw, 'exp_month', 'card[exp_month]') ?? 12,
    exp_year: optionalInteger(raw, 'exp_year', 'card[exp_year]') ?? new Date(ctx.sandbox.clock.nowMs()).getUTCFullYear() + 3,
    fingerprint: fingerprint(card.number),
    funding: card.funding,
    last4: card.number.slice(-4),
    metadata: {},
    name: text('name'),
    networks: { preferred: null },
    regulated_status: 'unregulated',
    tokenization_method: null,
  };
  const token: StripeObject = {
    id,
    object: 'token',
    card: cardObject,
    client_ip: null,
    created: ctx.sandbox.clock.now(),
    livemode: ctx.scope.livemode,
    type: 'card',
    used: false,
  };
  ctx.sandbox.store.insert(ctx.scope, token);
  ctx.sandbox.store.setRelated(id, 'number', card.number);
  return token;
}

export const tokens: Resource = {
  name: 'tokens',
  routes: [
    { method: 'POST', path: '/v1/tokens', permission: write('token'), params: ['card'], handle: createToken },
    {
      method: 'GET',
      path: '/v1/tokens/:id',
      permission: read('token'),
      params: [],
      handle(ctx) {
        const token = ctx.sandbox.store.get(ctx.scope, 'token', ctx.path.id!);
        if (!token) throw noSuch('token', ctx.path.id!);
        return token;
      },
    },
  ],
};
