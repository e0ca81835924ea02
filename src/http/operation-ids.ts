/**
 * Readable operationIds (`listInvoices`, `createRefund`, `finalizeInvoice`) derived from a route's
 * method and path, so a route added later gets one without anyone remembering to write it. A route
 * whose derived name reads badly sets `operationId` in its createRoute; that one is kept.
 */

const API_PREFIX = '/api/v1';

function pascal(words: string): string {
  return words
    .split(/[-_]/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

const isParam = (segment: string) => segment.startsWith('{');
/** A plural segment names a collection (`refunds`); anything else after a resource is an action (`finalize`). */
const isCollection = (segment: string) => /s$/.test(segment) && !/(ss|is|us)$/.test(segment);

/** The static segments just before `index` (not crossing a path parameter), singular, as one noun. */
function nounBefore(segments: string[], index: number, plural = false): string {
  const words: string[] = [];
  for (let i = index - 1; i >= 0 && !isParam(segments[i]!); i -= 1) words.unshift(segments[i]!);
  return words.map((word, i) => pascal(plural && i === words.length - 1 ? word : singular(word))).join('');
}

/** Verb for a path ending in a path parameter: the one object it names. */
const ITEM_VERBS: Record<string, string> = { get: 'get', patch: 'update', put: 'replace', delete: 'delete' };

export function deriveOperationId(method: string, path: string): string {
  const rest = path.startsWith(API_PREFIX) ? path.slice(API_PREFIX.length) : path;
  let segments = rest.split('/').filter(Boolean);
  // Every tenant's resources sit under /tenants/{tenant_id}; the tenant adds nothing to the name.
  if (segments[0] === 'tenants' && segments[1] === '{tenant_id}' && segments.length > 2) segments = segments.slice(2);
  const last = segments.length - 1;
  const lastSegment = segments[last] ?? '';

  if (isParam(lastSegment)) return `${ITEM_VERBS[method] ?? method}${nounBefore(segments, last)}`;
  if (isCollection(lastSegment)) {
    const noun = nounBefore(segments, last + 1, true);
    if (method === 'get') return `list${noun}`;
    if (method === 'post') return `create${nounBefore(segments, last + 1)}`;
    return `${method}${noun}`;
  }
  if (last === 0) return `${method === 'get' ? 'get' : method}${pascal(lastSegment)}`;
  // An action: `POST …/{invoice_id}/finalize` → finalizeInvoice, `POST …/events/replay` → replayEvents,
  // and a verb with its object: `POST …/{endpoint_id}/rotate-secret` → rotateWebhookEndpointSecret.
  const [verb = '', ...object] = lastSegment.split('-');
  const before = segments[last - 1]!;
  const noun = isParam(before) ? nounBefore(segments, last - 1) : pascal(before);
  if (method === 'get') return `get${noun}${pascal(lastSegment)}`;
  return `${verb}${noun}${pascal(object.join('-'))}`;
}
