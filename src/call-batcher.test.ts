import { describe, expect, it } from 'vitest';
import { CallBatcher } from './call-batcher';

describe('CallBatcher', () => {
  it('puts the calls of one turn in one batch, splits past maxBatch, and runs at most maxInFlight batches at once', async () => {
    const batches: number[][] = [];
    let running = 0;
    let mostRunning = 0;
    const done: Array<() => void> = [];
    const batcher = new CallBatcher<number>({
      maxBatch: 3,
      maxInFlight: 2,
      run: async (batch) => {
        batches.push(batch);
        running += 1;
        mostRunning = Math.max(mostRunning, running);
        await new Promise<void>((resolve) => done.push(resolve));
        running -= 1;
      },
    });
    for (let i = 1; i <= 8; i++) batcher.add(i);
    await new Promise((resolve) => setImmediate(resolve));
    // Two batches of three started; the other two calls wait for a free slot.
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    batcher.add(9);
    // Finish batches one by one (bounded: nine calls need at most a few rounds).
    for (let round = 0; round < 20 && (batches.flat().length < 9 || running > 0); round++) {
      done.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The waiting calls and the one added later went together into the next batch.
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(running).toBe(0);
    expect(mostRunning).toBe(2);
  });
});
