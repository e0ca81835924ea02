import { invalidEmpty, invalidEnum, invalidInteger, invalidRequest, missingParam } from './errors';
import { isRecord, type Json } from './json';

// Readers for qs-parsed form parameters. Every value arrives as a string (or nested
// record/array), so each reader converts and raises Stripe's own error codes with `param`.

function at(params: Json, name: string): unknown {
  return params[name];
}

export function optionalString(params: Json, name: string, label = name): string | undefined {
  const value = at(params, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(value)}`, 'parameter_invalid_string', label);
  return value;
}

export function requiredString(params: Json, name: string, label = name): string {
  const value = optionalString(params, name, label);
  if (value === undefined) throw missingParam(label);
  if (value === '') throw invalidEmpty(label);
  return value;
}

/** A nullable string: `''` unsets (→ null), absent stays undefined. */
export function unsettableString(params: Json, name: string, label = name): string | null | undefined {
  const value = optionalString(params, name, label);
  if (value === '') return null;
  return value;
}

export function optionalInteger(params: Json, name: string, label = name, min?: number): number | undefined {
  const value = at(params, name);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^-?\d+$/.test(value)) throw invalidInteger(label, isRecord(value) ? JSON.stringify(value) : value);
  const parsed = Number(value);
  if (min !== undefined && parsed < min) {
    throw invalidRequest(`This value must be greater than or equal to ${min}.`, 'parameter_invalid_integer', label);
  }
  return parsed;
}

export function requiredInteger(params: Json, name: string, label = name, min?: number): number {
  const value = optionalInteger(params, name, label, min);
  if (value === undefined) throw missingParam(label);
  return value;
}

export function optionalBoolean(params: Json, name: string, label = name): boolean | undefined {
  const value = at(params, name);
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${String(value)}`, 'parameter_invalid_boolean', label);
}

export function optionalEnum<T extends string>(params: Json, name: string, allowed: readonly T[], label = name): T | undefined {
  const value = optionalString(params, name, label);
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw invalidEnum(label, allowed);
  return value as T;
}

export function optionalRecord(params: Json, name: string, label = name): Json | undefined {
  const value = at(params, name);
  if (value === undefined || value === '') return undefined;
  if (!isRecord(value)) throw invalidRequest(`Invalid object`, 'parameter_invalid_object' as string, label);
  return value;
}

/** Arrays arrive as `x[0]=…` (qs array) or, past qs's array limit, as an index-keyed record. */
export function optionalArray(params: Json, name: string, label = name): unknown[] | undefined {
  const value = at(params, name);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value;
  if (isRecord(value))
    return Object.keys(value)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => value[k]);
  if (value === '') return [];
  throw invalidRequest(`Invalid array`, 'parameter_invalid_array' as string, label);
}

export function optionalStringArray(params: Json, name: string, label = name): string[] | undefined {
  const list = optionalArray(params, name, label);
  if (list === undefined) return undefined;
  return list.map((item, i) => {
    if (typeof item !== 'string')
      throw invalidRequest(`Invalid string: ${JSON.stringify(item)}`, 'parameter_invalid_string', `${label}[${i}]`);
    return item;
  });
}

/** Rejects top-level parameters the route does not take, as Stripe does. */
export function assertKnownParams(params: Json, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (key === 'expand' || allowed.includes(key)) continue;
    throw invalidRequest(`Received unknown parameter: ${key}`, 'parameter_unknown', key);
  }
}

/**
 * Applies `metadata[...]` to existing metadata with Stripe's rules: `metadata=''` clears all,
 * a key set to `''` is removed, at most 50 keys, keys ≤ 40 and values ≤ 500 characters.
 */
export function applyMetadata(current: Record<string, string>, params: Json, name = 'metadata'): Record<string, string> {
  const raw = params[name];
  if (raw === undefined) return current;
  if (raw === '') return {};
  if (!isRecord(raw)) throw invalidRequest('Invalid object', 'parameter_invalid_object' as string, name);
  const next = { ...current };
  for (const [key, value] of Object.entries(raw)) {
    const param = `${name}[${key}]`;
    if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${JSON.stringify(value)}`, 'parameter_invalid_string', param);
    if (key.length > 40) throw invalidRequest(`Metadata keys can have up to 40 characters.`, undefined, param);
    if (value.length > 500)
      throw invalidRequest(
        `Metadata values can have up to 500 characters, but you passed in a value that is ${value.length} characters.`,
        undefined,
        param,
      );
    if (value === '') delete next[key];
    else next[key] = value;
  }
  if (Object.keys(next).length > 50) throw invalidRequest('You can only specify up to 50 metadata keys.', undefined, name);
  return next;
}

/** `created=123` or `created[gt|gte|lt|lte]=…` → a predicate on unix seconds. */
export function rangeFilter(params: Json, name: string): (value: number) => boolean {
  const raw = params[name];
  if (raw === undefined) return () => true;
  if (typeof raw === 'string') {
    const exact = optionalInteger(params, name)!;
    return (value) => value === exact;
  }
  if (!isRecord(raw)) throw invalidRequest('Invalid object', undefined, name);
  const bounds: Partial<Record<'gt' | 'gte' | 'lt' | 'lte', number>> = {};
  for (const key of Object.keys(raw)) {
    if (key !== 'gt' && key !== 'gte' && key !== 'lt' && key !== 'lte')
      throw invalidRequest(`Received unknown parameter: ${name}[${key}]`, 'parameter_unknown', `${name}[${key}]`);
    bounds[key] = optionalInteger(raw, key, `${name}[${key}]`)!;
  }
  return (value) =>
    (bounds.gt === undefined || value > bounds.gt) &&
    (bounds.gte === undefined || value >= bounds.gte) &&
    (bounds.lt === undefined || value < bounds.lt) &&
    (bounds.lte === undefined || value <= bounds.lte);
}
