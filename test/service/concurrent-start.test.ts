import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startQueue } from '../../runtime/service/queue.js';
import { freshDatabase } from '../support/database.js';
import { RecordingLog } from '../support/fake-run-service.js';

/**
 * The first start of several replicas: instances that start together on a
 * database where pg-boss has no queue yet all create the same queues at
 * once, which deadlocks inside pg-boss's create_queue (PostgreSQL aborts one
 * of them with 40P01). Every instance's queue must start all the same. Four
 * at once on each of three fresh databases, as one start does not always
 * meet the deadlock.
 */
describe('queues of instances starting at once on a fresh database', () => {
  it('all start', async () => {
    for (let round = 0; round < 3; round++) {
      const db = await freshDatabase({ schema: true });
      const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: db.url, max: 4 }));
      const started = await Promise.allSettled(pools.map((pool) => startQueue(pool, { unitTimeoutSeconds: 10, maintenanceSeconds: 60, retries: 1, log: new RecordingLog() })));
      try {
        expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual(['started', 'started', 'started', 'started']);
      } finally {
        const bosses = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
        await Promise.all(bosses.map((boss) => boss.stop({ graceful: false, wait: true })));
        await Promise.all(pools.map((pool) => pool.end()));
        await db.drop();
      }
    }
  });
});
