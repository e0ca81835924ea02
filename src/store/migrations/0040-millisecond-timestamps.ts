import type { Db } from '../database';
import { useMillisecondTimestamps } from './millisecond-timestamps';

/** `created_at` and `received_at` hold milliseconds, so list cursors are exact (see millisecond-timestamps.ts). */
export async function up(db: Db): Promise<void> {
  await useMillisecondTimestamps(db);
}
