import type { AppContext } from './context';

const hooks = new WeakMap<AppContext, (() => Promise<void>)[]>();

/** Registers work to finish before the store closes (flush counters, stop timers). */
export function onShutdown(ctx: AppContext, hook: () => Promise<void>): void {
  const list = hooks.get(ctx) ?? [];
  list.push(hook);
  hooks.set(ctx, list);
}

/**
 * Runs every shutdown hook and waits for them, so nothing is still writing when the caller closes
 * the store (a write racing the close would fail). A failing hook does not stop the others.
 */
export async function shutdown(ctx: AppContext): Promise<void> {
  const list = hooks.get(ctx) ?? [];
  hooks.delete(ctx);
  for (const hook of list) {
    await hook().catch((error: unknown) => ctx.logger.warn({ err: error }, 'shutdown hook failed'));
  }
}
