import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { payloadProblem } from './parse-event';

const eventsDir = new URL('../../../shared/stripe/events/', import.meta.url);
const nested = (depth: number) => `{"a":${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}}`;

describe('payloadProblem', () => {
  it('finds nothing wrong in any of the real Stripe sample events', () => {
    const names = readdirSync(eventsDir).filter((name) => name.endsWith('.json'));
    expect(names.length).toBeGreaterThan(80);
    for (const name of names) expect(payloadProblem(readFileSync(new URL(name, eventsDir), 'utf8')), name).toBeNull();
  });

  it('refuses a raw NUL and a \\u0000 escape, but not an escaped backslash followed by the text u0000', () => {
    expect(payloadProblem('{"a":"x\u0000y"}')).toMatch(/NUL character/);
    expect(payloadProblem('{"a":"x\\u0000y"}')).toMatch(/NUL character/);
    expect(payloadProblem('{"a":"x\\\\u0000y"}')).toBeNull();
  });

  it('refuses nesting past 64 levels and accepts 64', () => {
    expect(payloadProblem(nested(64))).toBeNull();
    expect(payloadProblem(nested(65))).toMatch(/nested more than 64 levels/);
  });

  it('accepts many brackets that do not nest deep: a long list of objects, brackets inside strings', () => {
    const list = `{"data":[${Array.from({ length: 200 }, (_, i) => `{"i":[${i}]}`).join(',')}]}`;
    expect(payloadProblem(list)).toBeNull();
    expect(payloadProblem(`{"note":"${'{['.repeat(100)}"}`)).toBeNull();
    // Past the fast path's bracket count, the precise scan still finds a NUL late in the text.
    expect(payloadProblem(list.replace('"i":[199]', '"i":"\\u0000"'))).toMatch(/NUL character/);
  });
});
