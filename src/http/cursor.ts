import { AppError } from '../errors';

/** Opaque keyset cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(value: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends Record<string, string | number>>(cursor: string, keys: (keyof T)[]): T {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as T;
    if (value && typeof value === 'object' && keys.every((key) => key in value)) return value;
  } catch {
    // fall through to the error below
  }
  throw new AppError({ code: 'invalid_cursor', status: 400, field: 'cursor', message: 'The cursor is not one this API returned. Pass next_cursor from the previous page unchanged, or omit it to start over.' });
}
