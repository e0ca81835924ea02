import type Stripe from 'stripe';

/** Event types since `afterId` (exclusive), oldest first, read back through `GET /v1/events`. */
export async function eventTypesSince(stripe: Stripe, afterId?: string): Promise<Stripe.Event[]> {
  const all: Stripe.Event[] = [];
  for await (const event of stripe.events.list({ limit: 100 })) {
    if (event.id === afterId) break;
    all.push(event);
  }
  return all.reverse();
}

export async function latestEventId(stripe: Stripe): Promise<string | undefined> {
  return (await stripe.events.list({ limit: 1 })).data[0]?.id;
}
