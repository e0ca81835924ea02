import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { newId } from '../../src/ids';
import { closeJobQueuePool, openJobQueuePool } from '../../src/store/jobs';
import { describeEachStore } from '../support/test-context';

describeEachStore('job queue pool', (h) => {
  it('is closed only once every connection of it has left the server', async () => {
    const name = `pb_test_${newId('event').slice(4, 14)}`;
    const pool = openJobQueuePool({ connection: { ...h().ctx.store.connection, application_name: name } }, 4);
    const ended: boolean[] = [];
    pool.on('connect', (client) => {
      const index = ended.push(false) - 1;
      client.once('end', () => (ended[index] = true));
    });
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
    for (const client of clients) client.release();
    const connected = async () =>
      Number(
        (await sql<{ n: string }>`select count(*) as n from pg_stat_activity where application_name = ${name}`.execute(h().ctx.store.db))
          .rows[0]!.n,
      );
    expect(await connected()).toBe(3);

    await closeJobQueuePool(pool);

    // pool.end() alone resolves once it has asked them to close, before any has.
    expect(ended).toEqual([true, true, true]);
    expect(await connected()).toBe(0);
  });
});
