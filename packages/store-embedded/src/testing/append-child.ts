// Appends batches to the event log of the data directory in argv[2] until killed, printing the number of
// each batch once its append is acknowledged. The crash test kills it with SIGKILL mid-stream.
import { join } from 'node:path';
import { openDb } from '../db.js';
import { SqliteEventLog } from '../event-log.js';

export const BATCH = 50;
const CONCURRENCY = 8;

/** The eventIds of batch n, as the parent re-derives them. */
export const batchIds = (n: number): string[] => Array.from({ length: BATCH }, (_, i) => `b${n}-e${i}`);

async function main(dir: string): Promise<void> {
  const log = new SqliteEventLog(openDb(join(dir, 'gu.db')));
  let next = 0;
  const appender = async () => {
    for (;;) {
      const n = next++;
      const now = Date.now();
      await log.append(
        batchIds(n).map((eventId) => ({
          eventId,
          eventType: 'view' as const,
          userId: `u${n % 97}`,
          itemId: `i${n % 1013}`,
          timestamp: now,
          receivedAt: now,
        })),
      );
      // A pipe write is synchronous on Linux: once the parent can read it, it was acknowledged.
      process.stdout.write(`${n}\n`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, appender));
}

if (process.argv[2]) await main(process.argv[2]);
