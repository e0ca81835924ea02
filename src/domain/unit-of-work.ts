import type { AppContext } from '../context';
import { sendNotifications } from '../store/notifications';
import { Effects, type EffectsCause } from './effects';
import { encodeSignal, raiseLocally, type Signal } from './signals';

/**
 * Runs `work` in one transaction with its Effects, then raises its signals in this process once the
 * commit succeeded (other processes hear them through PostgreSQL at the same commit).
 */
export async function inUnitOfWork<T>(ctx: AppContext, work: (effects: Effects) => Promise<T>, cause?: EffectsCause): Promise<T> {
  const { result, signals } = await ctx.store.db.transaction().execute(async (trx) => {
    const effects = Effects.begin(trx, ctx.now(), { cause });
    const result = await work(effects);
    return { result, signals: await effects.flush() };
  });
  raiseLocally(ctx, signals);
  return result;
}

/** For a change already committed outside a unit of work: tells this process and the others now. */
export async function announce(ctx: AppContext, signals: readonly Signal[]): Promise<void> {
  raiseLocally(ctx, signals);
  try {
    await sendNotifications(ctx.store.db, signals.map(encodeSignal));
  } catch (error) {
    // The change is committed; other processes' caches still expire on their safety TTL.
    ctx.logger.warn({ err: error }, 'could not notify other processes of a change');
  }
}
