import { z } from 'zod';
import { AppError } from '../errors';

/**
 * Every list in the API and the dashboard pages by keyset on (time, id), newest first, so one
 * helper serves them all. The cursor is opaque to clients: base64url of a versioned payload that is
 * schema-checked on the way back in, so a hand-made one is a 400, never a query that fails as a 500.
 */
export interface PagePosition {
  readonly at: Date;
  readonly id: string;
}

export interface Page<T> {
  readonly rows: T[];
  readonly nextCursor: string | null;
}

// Every row was written after 1970 and before year 10000; a time outside that (which a query may
// not even accept, like year -271821) cannot come from a row, so it cannot be a real cursor.
const EARLIEST = 0;
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const payloadSchema = z
  .object({
    v: z.literal(1),
    t: z.number().int().min(EARLIEST).max(LATEST),
    id: z.string().regex(/^[A-Za-z0-9_]{1,100}$/),
  })
  .strict();

/** A cursor is short: anything longer (or not base64url) was not made here. */
export const CURSOR_MAX_LENGTH = 200;

export function encodeCursor(position: PagePosition): string {
  const payload: z.infer<typeof payloadSchema> = { v: 1, t: position.at.getTime(), id: position.id };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** The position a cursor stands for; undefined without a cursor; `400 invalid_cursor` for any other string. */
export function readCursor(cursor: string | undefined): PagePosition | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  if (cursor.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = payloadSchema.safeParse(decoded);
  if (!parsed.success) throw invalidCursor();
  return { at: new Date(parsed.data.t), id: parsed.data.id };
}

/**
 * Cuts a page from rows fetched with `limit + 1` (the extra row only says whether there is a next
 * page) and makes the cursor from the last row kept.
 */
export function pageOf<T>(rows: T[], limit: number, position: (row: T) => PagePosition): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return { rows: kept, nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null };
}

export function invalidCursor(): AppError {
  return new AppError({
    code: 'invalid_cursor',
    status: 400,
    field: 'cursor',
    message: 'The cursor is not one this API returned. Pass next_cursor from the previous page unchanged, or omit it to start over.',
  });
}
