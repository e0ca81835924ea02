import type { Db } from '../database';
import { useMillisecondTimestamps } from './millisecond-timestamps';

/** The tables of 0100 and 0101 keep created_at in milliseconds, the precision list cursors carry (0040's rule). */
export async function up(db: Db): Promise<void> {
  await useMillisecondTimestamps(db);
}
