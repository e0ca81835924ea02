import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inUnitOfWork } from '../../src/domain/unit-of-work';
import { AppError } from '../../src/errors';
import { JOB_RETRY, type JobAttempt, type JobHandlers } from '../../src/jobs/catalog';
import { JobRunner } from '../../src/jobs/runner';
import { findJobByKey, listQueuedJobs } from '../../src/store/jobs';
import { migrateOrThrow, migrateUpTo } from '../../src/store/migrations';
import { createHarness, type TestHarness } from '../support/test-context';
import { openTestStore } from '../support/test-store';

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** Handlers that record what they were given and do what `behaviour` says for each mail id. */
function recordingHandlers(behaviour: Record<string, () => Promise<void>> = {}) {
  const calls: { mailId: string; job: JobAttempt }[] = [];
  const ignore = async () => undefined;
  const handlers: JobHandlers = {
    // Every other kind does nothing here: these tests queue only mail.
    ...(Object.fromEntries(Object.keys(JOB_RETRY).map((kind) => [kind, ignore])) as unknown as JobHandlers),
    'mail.send': async ({ mail_id }, job) => {
      calls.push({ mailId: mail_id, job });
      await behaviour[mail_id]?.();
    },
  };
  return { calls, handlers };
}

describe('jobs on graphile-worker [postgres]', () => {
  let h: TestHarness;
  beforeAll(async () => {
    h = await createHarness('postgres');
  });
  afterAll(async () => h?.close());

  it('a job exists exactly when the unit of work that queued it commits, and its key queues it once', async () => {
    await expect(
      inUnitOfWork(h.ctx, async (effects) => {
        await effects.enqueue('mail.send', { mail_id: 'mail_rolled_back' }, { dedupeKey: 'mail.send:mail_rolled_back' });
        throw new Error('the change fails after queueing');
      }),
    ).rejects.toThrow('the change fails');
    expect(await findJobByKey(h.ctx.store.db, 'mail.send:mail_rolled_back')).toBeUndefined();

    const added = await inUnitOfWork(h.ctx, async (effects) => [
      await effects.enqueue('mail.send', { mail_id: 'mail_once' }, { dedupeKey: 'mail.send:mail_once' }),
      await effects.enqueue('mail.send', { mail_id: 'mail_once' }, { dedupeKey: 'mail.send:mail_once' }),
    ]);
    const again = await inUnitOfWork(h.ctx, (effects) =>
      effects.enqueue('mail.send', { mail_id: 'mail_once' }, { dedupeKey: 'mail.send:mail_once' }),
    );
    expect([...added, again]).toEqual([true, false, false]);
    const queued = (await listQueuedJobs(h.ctx.store.db)).filter((job) => job.key === 'mail.send:mail_once');
    expect(queued).toEqual([
      expect.objectContaining({ kind: 'mail.send', payload: { mail_id: 'mail_once' }, attempts: 0, max_attempts: 10 }),
    ]);

    const { calls, handlers } = recordingHandlers();
    expect(await new JobRunner(h.ctx, { handlers }).drain()).toMatchObject({ done: 1 });
    expect(calls).toEqual([{ mailId: 'mail_once', job: expect.objectContaining({ attempts: 1, max_attempts: 10 }) }]);
    // Completed jobs are deleted.
    expect(await findJobByKey(h.ctx.store.db, 'mail.send:mail_once')).toBeUndefined();
  });

  it('retries a failure later, and fails a job for good at once on an error that cannot improve', async () => {
    await new JobRunner(h.ctx, { handlers: recordingHandlers().handlers }).drain(); // whatever the previous test left
    await inUnitOfWork(h.ctx, async (effects) => {
      await effects.enqueue('mail.send', { mail_id: 'mail_flaky' }, { dedupeKey: 'k:flaky' });
      await effects.enqueue('mail.send', { mail_id: 'mail_hopeless' }, { dedupeKey: 'k:hopeless' });
    });
    const { handlers } = recordingHandlers({
      mail_flaky: async () => {
        throw new Error('SMTP server not answering');
      },
      mail_hopeless: async () => {
        throw new AppError({ code: 'mail_gone', message: 'the message was deleted', retryable: false });
      },
    });
    const before = Date.now();
    expect(await new JobRunner(h.ctx, { handlers }).drain()).toEqual({ done: 0, retried: 1, dead: 1 });

    const flaky = (await findJobByKey(h.ctx.store.db, 'k:flaky'))!;
    expect(flaky).toMatchObject({ attempts: 1, max_attempts: 10, locked: false, last_error: 'SMTP server not answering' });
    expect(new Date(flaky.run_at).getTime()).toBeGreaterThan(before);
    const hopeless = (await findJobByKey(h.ctx.store.db, 'k:hopeless'))!;
    expect(hopeless).toMatchObject({ attempts: 10, max_attempts: 10, last_error: 'the message was deleted' });
    // Neither is due now: the retry waits for its backoff, the dead job for nothing.
    expect(await new JobRunner(h.ctx, { handlers }).drain()).toEqual({ done: 0, retried: 0, dead: 0 });
  });

  it("a started runner is woken by add_job's notification, not by its idle poll", async () => {
    const { calls, handlers } = recordingHandlers();
    const runner = new JobRunner(h.ctx, { handlers, idlePollMs: 600_000 }).start();
    try {
      await inUnitOfWork(h.ctx, (effects) => effects.enqueue('mail.send', { mail_id: 'mail_first' }));
      expect(await waitFor(() => calls.length === 1, 20_000)).toBe(true);
      // The runner is idle now, its next poll ten minutes away: only the commit's NOTIFY can wake it.
      await inUnitOfWork(h.ctx, (effects) => effects.enqueue('mail.send', { mail_id: 'mail_second' }));
      expect(await waitFor(() => calls.length === 2, 20_000)).toBe(true);
      expect(calls.map((call) => call.mailId)).toEqual(['mail_first', 'mail_second']);
    } finally {
      await runner.stop();
    }
  });
});

describe('upgrading moves queued jobs into graphile-worker [postgres]', () => {
  it('adds pending and running jobs of the old table with their key, due time and attempts left, then drops it', async () => {
    const store = await openTestStore('postgres', { empty: true });
    try {
      const db = store.db;
      await migrateUpTo(db, '0050-token-hash-keys');
      const due = new Date('2030-01-01T00:00:00Z');
      await sql`
        insert into jobs (id, kind, payload, dedupe_key, status, attempts, max_attempts, run_at, last_error) values
          ('job_pending', 'mail.send', '{"mail_id":"mail_queued"}', 'mail.send:mail_queued', 'pending', 3, 14, ${due}, 'SMTP down'),
          ('job_running', 'payment_link.deactivate', '{"invoice_id":"inv_1"}', 'payment_link.deactivate:inv_1', 'running', 14, 14, ${due}, null),
          ('job_done', 'mail.send', '{"mail_id":"mail_sent"}', 'mail.send:mail_sent', 'done', 1, 14, ${due}, null),
          ('job_dead', 'mail.send', '{"mail_id":"mail_dead"}', null, 'dead', 14, 14, ${due}, 'refused')`.execute(db);

      expect(await migrateOrThrow(db)).toContain('0060-graphile-worker-jobs');

      const moved = await listQueuedJobs(db);
      expect(
        moved.map(({ kind, payload, key, attempts, max_attempts, run_at }) => ({ kind, payload, key, attempts, max_attempts, run_at })),
      ).toEqual([
        {
          kind: 'mail.send',
          payload: { mail_id: 'mail_queued' },
          key: 'mail.send:mail_queued',
          attempts: 0,
          max_attempts: 11,
          run_at: due,
        },
        // It was in flight with its last attempt when the old runner stopped: it gets one more.
        {
          kind: 'payment_link.deactivate',
          payload: { invoice_id: 'inv_1' },
          key: 'payment_link.deactivate:inv_1',
          attempts: 0,
          max_attempts: 1,
          run_at: due,
        },
      ]);
      const oldTable = await sql<{ exists: boolean }>`select to_regclass('public.jobs') is not null as exists`.execute(db);
      expect(oldTable.rows[0]!.exists).toBe(false);
    } finally {
      await store.close();
    }
  });
});
