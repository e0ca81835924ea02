import qs from 'qs';
import type { Json } from '../core/json';

// Stripe's bracket notation (`line_items[0][price_data][product_data][name]`); limits raised so
// long arrays stay arrays instead of turning into index-keyed objects.
const OPTIONS = { depth: 20, arrayLimit: 1000, parameterLimit: 10_000 } as const;

export function parseForm(text: string): Json {
  return qs.parse(text, OPTIONS) as Json;
}

/** Control routes take JSON (handy from tests and curl) or a form body. */
export async function readControlBody(request: Request): Promise<Json> {
  const text = await request.text();
  if (!text.trim()) return {};
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('json') || text.trimStart().startsWith('{')) {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : {};
  }
  return parseForm(text);
}
