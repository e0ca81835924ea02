import type Stripe from 'stripe';
import type { AppContext } from '../../context';
import { stripeFor } from '../../billing/payment-link';
import { invalidField } from '../../errors';
import { findTenantConnection, listTenantConnections } from '../../store/connections';
import type { ConnectionRow } from '../../store/schema';
import { describeStripeError, fromStripeError } from '../../stripe/stripe-errors';

/** The tenant's connection named in a request, usable for selling (connected, not disconnected). */
export async function sellingConnection(ctx: AppContext, tenantId: string, connectionId: string): Promise<ConnectionRow> {
  const connection = await findTenantConnection(ctx.store.db, tenantId, connectionId);
  if (!connection)
    throw invalidField(
      'connection_id',
      'unknown_connection',
      `No connection ${connectionId} belongs to this tenant. List them with GET /api/v1/tenants/${tenantId}/connections.`,
    );
  if (connection.disconnected_at)
    throw invalidField(
      'connection_id',
      'connection_disconnected',
      `Connection ${connectionId} was disconnected; sell through a connected Stripe account.`,
    );
  return connection;
}

async function retrievePrice(stripe: Stripe, priceId: string): Promise<Stripe.Price | undefined> {
  try {
    return await stripe.prices.retrieve(priceId);
  } catch (error) {
    if (describeStripeError(error).kind === 'not_found') return undefined;
    throw error;
  }
}

/** Which other connection of the tenant has this price, for an error that says which connection_id to use. */
async function otherConnectionWithPrice(ctx: AppContext, connection: ConnectionRow, priceId: string): Promise<ConnectionRow | undefined> {
  const others = (await listTenantConnections(ctx.store.db, connection.tenant_id)).filter(
    (other) => other.id !== connection.id && !other.disconnected_at,
  );
  for (const other of others) {
    try {
      if (await retrievePrice(stripeFor(ctx, other), priceId)) return other;
    } catch {
      // That connection cannot answer (bad key, Stripe down): it just cannot name the owner.
    }
  }
  return undefined;
}

/**
 * Checks each price against the connection's own Stripe account: it must exist there, be active, and
 * be recurring for a plan or one-time for a package. A price of another connection (test vs live, or
 * another account) is a 422 naming the connection it belongs to.
 */
export async function checkPrices(
  ctx: AppContext,
  connection: ConnectionRow,
  priceIds: readonly string[],
  expect: { type: 'recurring' | 'one_time'; field: string },
): Promise<Stripe.Price[]> {
  const stripe = stripeFor(ctx, connection);
  const prices: Stripe.Price[] = [];
  for (const [index, priceId] of priceIds.entries()) {
    const field = expect.field.endsWith('s') ? `${expect.field}.${index}` : expect.field;
    let price: Stripe.Price | undefined;
    try {
      price = await retrievePrice(stripe, priceId);
    } catch (error) {
      throw fromStripeError(error, `checking price ${priceId}`);
    }
    if (!price) {
      const owner = await otherConnectionWithPrice(ctx, connection, priceId);
      if (owner)
        throw invalidField(
          field,
          'price_of_another_connection',
          `Price ${priceId} belongs to connection ${owner.id} (${owner.name}, ${owner.mode}), not ${connection.id}. Use connection_id ${owner.id}, or a price of ${connection.id}'s Stripe account.`,
        );
      throw invalidField(
        field,
        'unknown_price',
        `No price ${priceId} exists in the Stripe account of connection ${connection.id} (${connection.mode} mode). Copy the id from Stripe Dashboard → Product catalog for that account and mode.`,
      );
    }
    if (!price.active)
      throw invalidField(field, 'price_inactive', `Price ${priceId} is archived in Stripe, so it cannot be bought. Use an active price.`);
    if (price.type !== expect.type)
      throw invalidField(
        field,
        'wrong_price_type',
        expect.type === 'recurring'
          ? `Price ${priceId} is a one-time price; plans need recurring prices. Sell it as a package instead.`
          : `Price ${priceId} is recurring; packages need a one-time price. Sell it through a plan instead.`,
      );
    prices.push(price);
  }
  return prices;
}
