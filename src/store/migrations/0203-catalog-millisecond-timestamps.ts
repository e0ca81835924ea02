import type { Db } from '../database';
import { useMillisecondTimestamps } from './millisecond-timestamps';

/** The catalog and dispute tables of 0200–0202 were created with microsecond `created_at`; lists page on it. */
export async function up(db: Db): Promise<void> {
  await useMillisecondTimestamps(db);
}
