/**
 * A commander action whose code loads only when the command runs. `--help`, and every other command,
 * then never pay for the store, the Stripe SDK or the HTTP stack (see the CLI start time in BENCHMARKS.md).
 * Command definition files import nothing heavier than this and `import type`s.
 */
export function lazyAction<M, K extends keyof M>(load: () => Promise<M>, name: K) {
  return async (...args: unknown[]): Promise<void> => {
    const handler = (await load())[name] as (...args: unknown[]) => unknown;
    await handler(...args);
  };
}
