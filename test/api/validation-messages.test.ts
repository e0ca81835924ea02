import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { validationError } from '../../src/http/error-handler';

/**
 * Each kind of zod issue becomes a plain sentence naming the field and what it must be; a message a
 * schema wrote itself is kept (issue 20: no "expected number, received NaN" in any answer).
 */
const RAW_ZOD = /received|Expected|Invalid input|Invalid option|Too big|Too small|Unrecognized key|Invalid string|Invalid number/;

function messageFor(schema: z.ZodTypeAny, input: unknown): { message: string; field: string | undefined } {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be refused');
  const error = validationError(result.error);
  return { message: error.message, field: error.field };
}

describe('validation messages', () => {
  const cases: [string, z.ZodTypeAny, unknown, RegExp][] = [
    ['coerced number from text', z.object({ limit: z.coerce.number() }), { limit: 'abc' }, /^limit must be a number written in digits$/],
    ['missing field', z.object({ name: z.string() }), {}, /^name is required: send text \(a JSON string\)$/],
    ['wrong type', z.object({ flag: z.boolean() }), { flag: 'yes' }, /^flag must be true or false, not text$/],
    ['enum', z.object({ mode: z.enum(['test', 'live']) }), { mode: 'prod' }, /^mode must be one of: test, live$/],
    ['literal', z.object({ v: z.literal(1) }), { v: 2 }, /^v must be exactly 1$/],
    ['empty string', z.object({ name: z.string().min(1) }), { name: '' }, /^name must not be empty$/],
    ['long string', z.object({ name: z.string().max(3) }), { name: 'abcd' }, /^name must be at most 3 characters long$/],
    ['number bound', z.object({ n: z.number().int().positive() }), { n: 0 }, /^n must be more than 0$/],
    ['whole number', z.object({ n: z.number().int() }), { n: 1.5 }, /^n must be a whole number/],
    ['list size', z.object({ lines: z.array(z.string()).min(1) }), { lines: [] }, /^lines must list at least one item$/],
    [
      'nested field',
      z.object({ lines: z.array(z.object({ qty: z.number() })) }),
      { lines: [{ qty: 'x' }] },
      /^lines\.0\.qty must be a number, not text$/,
    ],
    ['email', z.object({ email: z.email() }), { email: 'no' }, /^email must be an email address such as ada@example\.com$/],
    ['url', z.object({ url: z.url() }), { url: 'nope' }, /^url must be an absolute URL/],
    ['multiple of', z.object({ n: z.number().multipleOf(5) }), { n: 7 }, /^n must be a multiple of 5$/],
    ['union of types', z.object({ v: z.union([z.boolean(), z.number()]) }), { v: 'x' }, /^v must be true or false or a number$/],
    ['unknown keys', z.object({ a: z.string() }).strict(), { a: 'x', b: 1 }, /^unknown field\(s\) b; remove them/],
    ['whole body', z.object({ a: z.string() }), [1], /^The request body must be a JSON object, not a list$/],
  ];

  for (const [name, schema, input, expected] of cases) {
    it(`${name}: ${expected.source}`, () => {
      const { message } = messageFor(schema, input);
      expect(message).toMatch(expected);
      expect(message).not.toMatch(RAW_ZOD);
    });
  }

  it("keeps a message the schema wrote, after the field's name", () => {
    const schema = z.object({ amount: z.number().int('must be a whole number of minor units, such as 1050 for 10.50') });
    expect(messageFor(schema, { amount: 1.5 })).toEqual({
      message: 'amount: must be a whole number of minor units, such as 1050 for 10.50',
      field: 'amount',
    });
  });

  it('names every bad field, up to five, and reports the first as `field`', () => {
    const schema = z.object({ a: z.string(), b: z.number(), c: z.boolean() });
    const { message, field } = messageFor(schema, { b: 'x', c: 1 });
    expect(field).toBe('a');
    expect(message.split('; ').map((part) => part.split(' ')[0])).toEqual(['a', 'b', 'c']);
  });
});
