import { readCursor } from '../http/cursor';

/** `--limit` and `--cursor` of a list command, checked the same way for every list. */
export function pageOptions(options: { limit: string; cursor?: string }): { limit: number; before?: { at: Date; id: string } } {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Error('--limit must be a whole number from 1 to 100');
  return { limit, before: readCursor(options.cursor) };
}

/** A `--status` value must be one of the listed ones. */
export function statusOption<S extends string>(value: string | undefined, statuses: readonly S[]): S | undefined {
  if (value !== undefined && !statuses.includes(value as S)) throw new Error(`--status must be one of ${statuses.join(', ')}`);
  return value as S | undefined;
}
