import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as JsonType;
}

/**
 * Stripe's sample objects, read at test time from the shared corpus next to the repository
 * (`../shared/stripe/fixtures3.json` from the repo root), never copied into the project.
 */
export function loadStripeFixtures(): Record<string, Record<string, unknown>> {
  const path = fileURLToPath(new URL('../../../shared/stripe/fixtures3.json', import.meta.url));
  return (JSON.parse(readFileSync(path, 'utf8')) as { resources: Record<string, Record<string, unknown>> }).resources;
}

export interface ShapeRules {
  /** Fields Stripe documents as nullable: our value may be null where the sample has one. */
  nullable?: readonly string[];
  /** Fields the sample carries that we leave out, with the reason kept in the test. */
  absent?: readonly string[];
  /** Fields we return that the sample lacks (e.g. `secret` on create). */
  extra?: readonly string[];
}

/** Lists every top-level difference between `actual` and Stripe's `sample`. */
export function shapeDifferences(actual: Record<string, unknown>, sample: Record<string, unknown>, rules: ShapeRules = {}): string[] {
  const problems: string[] = [];
  for (const [key, expected] of Object.entries(sample)) {
    if (!(key in actual)) {
      if (!rules.absent?.includes(key)) problems.push(`missing ${key}`);
      continue;
    }
    const want = jsonType(expected);
    const got = jsonType(actual[key]);
    if (want === got || want === 'null') continue;
    if (got === 'null' && rules.nullable?.includes(key)) continue;
    problems.push(`${key}: ${got} where Stripe has ${want}`);
  }
  for (const key of Object.keys(actual)) {
    if (!(key in sample) && !rules.extra?.includes(key)) problems.push(`unexpected ${key}`);
  }
  return problems;
}
