import { buildContext } from '../bootstrap';
import { ConfigError, loadConfig } from '../config';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { createLogger } from '../logger';

/**
 * Runs a command body with a fully wired context and always closes the store. Errors become one
 * readable line on stderr and exit code 1 (2 for bad configuration), never a stack trace.
 */
export async function withContext<T>(body: (ctx: AppContext) => Promise<T>): Promise<T | undefined> {
  let ctx: AppContext | undefined;
  try {
    const config = loadConfig();
    ctx = await buildContext(config, {
      logger: createLogger({ level: process.env.PAYBRIDGE_LOG_LEVEL ?? 'warn', destination: process.stderr as never }),
    });
    return await body(ctx);
  } catch (error) {
    reportCliError(error);
    return undefined;
  } finally {
    // Leaves the embedded PostgreSQL, stopping it if this command started it and nothing else uses it.
    await ctx?.store.close().catch(() => undefined);
  }
}

export function reportCliError(error: unknown): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
    return;
  }
  if (error instanceof AppError) {
    process.stderr.write(`error (${error.code})${error.field ? ` in ${error.field}` : ''}: ${error.message}\n`);
  } else {
    process.stderr.write(`error: ${(error as Error).message}\n`);
  }
  process.exitCode = 1;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as aligned columns for people; `--json` prints the objects for scripts. */
export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (value: unknown) => (value === null || value === undefined ? '-' : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(row[column]).length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(columns.map((column) => column.toUpperCase()))}\n`);
  for (const row of rows) process.stdout.write(`${line(columns.map((column) => cell(row[column])))}\n`);
}
