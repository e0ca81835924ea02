import { expect, it } from 'vitest';
import { MaintenanceTask } from '../../src/maintenance-task';
import { claimMaintenanceRound } from '../../src/store/maintenance-rounds';
import { describeEachStore } from '../support/test-context';

const MINUTE = 60_000;

describeEachStore('maintenance rounds', (h) => {
  it('gives each round to one claimant, and the next round after 90 % of the interval', async () => {
    const db = h().ctx.store.db;
    const start = new Date('2026-11-23T10:00:00Z');
    const claim = (holder: string, minutes: number) =>
      claimMaintenanceRound(db, { name: 'drift-test', holder, now: new Date(start.getTime() + minutes * MINUTE), intervalMs: 30 * MINUTE });
    expect(await claim('host-a:1', 0)).toBe(true);
    expect(await claim('host-b:2', 0)).toBe(false);
    expect(await claim('host-b:2', 26)).toBe(false);
    expect(await claim('host-b:2', 27)).toBe(true);
    expect(await claim('host-a:1', 30)).toBe(false);
    const row = await db.selectFrom('maintenance_rounds').selectAll().where('name', '=', 'drift-test').executeTakeFirstOrThrow();
    expect(row.holder).toBe('host-b:2');
    expect(new Date(row.next_due_at).toISOString()).toBe('2026-11-23T10:54:00.000Z');
  });

  it('runs a task once across several worker processes starting together, and again when the next round is due', async () => {
    let runs = 0;
    const startAll = async () => {
      // Three processes' schedulers, as three workers on one database would start them.
      const tasks = [1, 2, 3].map(() => new MaintenanceTask(h().ctx, 'counting', 15 * MINUTE, async () => void (runs += 1)));
      for (const task of tasks) task.start();
      await Promise.all(tasks.map((task) => task.stop()));
    };
    await startAll();
    expect(runs).toBe(1);
    await startAll();
    expect(runs).toBe(1);
    h().setNow(new Date(h().ctx.now().getTime() + 15 * MINUTE));
    await startAll();
    expect(runs).toBe(2);
  });
});
