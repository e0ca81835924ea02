import { AppError } from '../errors';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string, keys: (keyof T)[]): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
    const usable = (item: unknown) =>
      (typeof item === 'string' && !item.includes('\u0000')) || (typeof item === 'number' && Number.isFinite(item));
    if (value && typeof value === 'object' && keys.every((key) => key in value && usable(value[key]))) return value;
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

export function invalidCursor(): AppError {
  return new AppError({
    code: 'invalid_cursor',
    status: 400,
    field: 'cursor',
    message: 'The cursor is not one this API returned. Pass next_cursor from the previous page unchanged, or omit it to start over.',
  });
}
