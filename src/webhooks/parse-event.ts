/** The fields Paybridge reads from a verified Stripe event body; everything else stays in the raw payload. */
export interface ParsedEvent {
  id: string;
  type: string;
  created: number;
  livemode: boolean | undefined;
  apiVersion: string | null;
  objectId: string | null;
  objectType: string | null;
}

export type ParseResult = { ok: true; event: ParsedEvent } | { ok: false; message: string };

export function parseEventBody(text: string): ParseResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, message: 'The body is not JSON. Stripe sends the event object as JSON; forward the body unchanged.' };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, message: 'The body must be a Stripe event object.' };
  const event = body as Record<string, unknown>;
  const data = event.data as Record<string, unknown> | undefined;
  const object = data?.object as Record<string, unknown> | undefined;
  // Stripe's ids start with evt_, but its own test-webhook templates use other shapes; any short,
  // printable id is accepted because dedupe only needs it to be stable.
  if (typeof event.id !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(event.id))
    return { ok: false, message: 'The event has no valid id (evt_…).' };
  if (typeof event.type !== 'string' || !/^[a-z_]+(\.[a-z_]+)+$/.test(event.type))
    return { ok: false, message: 'The event has no valid type such as invoice.paid.' };
  if (!Number.isSafeInteger(event.created) || (event.created as number) < 0)
    return { ok: false, message: 'The event has no valid created timestamp.' };
  if (typeof object !== 'object' || object === null || Array.isArray(object))
    return { ok: false, message: 'The event has no data.object.' };
  if (event.livemode !== undefined && typeof event.livemode !== 'boolean') return { ok: false, message: 'livemode must be true or false.' };
  return {
    ok: true,
    event: {
      id: event.id,
      type: event.type,
      created: event.created as number,
      livemode: event.livemode as boolean | undefined,
      apiVersion: typeof event.api_version === 'string' ? event.api_version : null,
      objectId: typeof object.id === 'string' ? object.id : null,
      objectType: typeof object.object === 'string' ? object.object : null,
    },
  };
}
