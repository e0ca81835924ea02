import { locales, type ZodError } from 'zod';

type Issue = ZodError['issues'][number];

/** zod's own English wording, used only to tell its default messages from the ones our schemas write. */
const zodDefault = locales.en().localeError;

/** How each JSON type reads in a sentence, for "must be …". */
const TYPE_PHRASES: Record<string, string> = {
  string: 'text (a JSON string)',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'a list (a JSON array)',
  date: 'a date',
  null: 'null',
};

const FORMAT_PHRASES: Record<string, string> = {
  email: 'an email address such as ada@example.com',
  url: 'an absolute URL such as https://example.com/path',
  datetime: 'an ISO 8601 date-time such as 2026-01-31T12:00:00Z',
  date: 'an ISO 8601 date such as 2026-01-31',
  time: 'an ISO 8601 time such as 12:00:00',
  uuid: 'a UUID',
};

function typePhrase(type: string): string {
  return TYPE_PHRASES[type] ?? `of type ${type}`;
}

/** How a received JSON type reads after "not": `flag must be true or false, not text`. */
const RECEIVED_PHRASES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

/** What zod says it received, read from its own message: the final issue no longer carries the input. */
function receivedPhrase(message: string): string | undefined {
  const received = /received (\w+)$/.exec(message)?.[1];
  if (!received || received === 'undefined' || received === 'NaN') return undefined;
  return RECEIVED_PHRASES[received] ?? received;
}

function listOf(values: readonly unknown[]): string {
  return values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(', ');
}

/** Did zod write this message, rather than the schema? Schema-written messages are already plain and are kept. */
function isZodWording(issue: Issue): boolean {
  // The invalid_type wording names the received input, which the final issue no longer holds.
  if (issue.code === 'invalid_type') return issue.message.startsWith('Invalid input: expected');
  const wording = zodDefault(issue as Parameters<typeof zodDefault>[0]);
  return issue.message === (typeof wording === 'string' ? wording : wording?.message);
}

function sizeRule(issue: Extract<Issue, { code: 'too_big' | 'too_small' }>): string {
  const big = issue.code === 'too_big';
  const bound = String(big ? issue.maximum : issue.minimum);
  const bounds = issue.exact ? 'exactly' : big ? (issue.inclusive ? 'at most' : 'less than') : issue.inclusive ? 'at least' : 'more than';
  switch (issue.origin) {
    case 'string':
      if (!big && bound === '1' && issue.inclusive) return 'must not be empty';
      return `must be ${bounds} ${bound} characters long`;
    case 'array':
    case 'set':
      if (!big && bound === '1' && issue.inclusive) return 'must list at least one item';
      return `must list ${bounds} ${bound} items`;
    case 'date':
      return `must be ${big ? 'on or before' : 'on or after'} ${bound}`;
    default:
      return `must be ${bounds} ${bound}`;
  }
}

/** The rule the value broke, as the end of a sentence starting with the field name ("must be …"). */
function rule(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (/received undefined$/.test(issue.message)) return `is required: send ${typePhrase(issue.expected)}`;
      // A query value is text coerced to a number; NaN means it was not written in digits.
      if (/received NaN$/.test(issue.message)) return `must be ${typePhrase(issue.expected)} written in digits`;
      const received = receivedPhrase(issue.message);
      return `must be ${typePhrase(issue.expected)}${received ? `, not ${received}` : ''}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `must be exactly ${listOf(issue.values)}` : `must be one of: ${listOf(issue.values)}`;
    case 'too_big':
    case 'too_small':
      return sizeRule(issue);
    case 'invalid_format':
      if (issue.format === 'starts_with' && 'prefix' in issue) return `must start with "${String(issue.prefix)}"`;
      if (issue.format === 'ends_with' && 'suffix' in issue) return `must end with "${String(issue.suffix)}"`;
      if (issue.format === 'includes' && 'includes' in issue) return `must contain "${String(issue.includes)}"`;
      if (issue.format === 'regex') return 'has characters or a shape this field does not accept; see the field in /api/docs';
      return `must be ${FORMAT_PHRASES[issue.format] ?? `a valid ${issue.format}`}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union': {
      // Each branch failed; when they failed on type alone, name the types it may be.
      const types = issue.errors.flatMap((branch) => branch.filter((i) => i.code === 'invalid_type' && i.path.length === 0));
      const expected = [...new Set(types.map((i) => (i.code === 'invalid_type' ? typePhrase(i.expected) : '')))];
      if (types.length === issue.errors.length && expected.length > 0) return `must be ${expected.join(' or ')}`;
      return 'is not in any of the forms this field accepts; see the field in /api/docs';
    }
    case 'invalid_key':
      return 'has a key this field does not accept';
    case 'invalid_element':
      return 'holds a value this field does not accept';
    default:
      return 'is not valid; see the field in /api/docs';
  }
}

/** The field as the envelope's `field` names it (`lines.0.quantity`), so message and field agree. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/**
 * One plain sentence per zod issue naming the field and what it must be, never zod's raw wording
 * ("Invalid input: expected number, received NaN"). Messages a schema wrote itself are kept as they are.
 */
export function describeIssue(issue: Issue): string {
  const field = fieldName(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const where = field ? ` in ${field}` : '';
    return `unknown field(s) ${issue.keys.join(', ')}${where}; remove them (the fields each route takes are in /api/docs)`;
  }
  if (!isZodWording(issue)) return field ? `${field}: ${issue.message}` : issue.message;
  // Only a body can fail as a whole: query and path parameters always arrive as an object.
  return `${field || 'The request body'} ${rule(issue)}`;
}
