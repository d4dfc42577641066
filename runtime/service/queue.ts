import PgBoss from 'pg-boss';
import type { Pool, QueryResult } from 'pg';
import { isConnectionError } from '../db/connect.js';
import { type Logger, scrubSecrets } from '../logger.js';

/** One work unit: a (symbol, timeframe) of a run. */
export interface UnitJob {
  readonly runId: string;
  readonly symbol: string;
  readonly timeframe: string;
}

export const UNIT_QUEUE = 'probe-unit';
export const FAILED_UNIT_QUEUE = 'probe-unit-failed';

export interface QueueOptions {
  /** Seconds an active unit may run before it counts as dead and is retried elsewhere. */
  readonly unitTimeoutSeconds: number;
  /** How often expired units are looked for. */
  readonly maintenanceSeconds: number;
  /** Attempts after a unit's first one fails (its dead letter then fails the run). */
  readonly retries: number;
  /** Where pg-boss's errors (which it reports only as 'error' events) and the database's outages are logged. */
  readonly log: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** Waits between attempts of a queue statement while the database is unreachable: from the first to the last, doubling. */
const OUTAGE_WAIT_MS = [250, 2000] as const;

/**
 * pg-boss's statements, waiting out an outage of the database (a restart, a
 * failover): a statement that meets a connection error is tried again until
 * the database answers, or the pool is closed. pg-boss completes and fails a
 * unit's job without awaiting the promise, so a rejection there would be
 * unhandled (and end the process); waiting instead records the unit's
 * failure once the database is back, and pg-boss retries the unit. A
 * statement that failed on a dying connection may have been carried out:
 * then a fetched job stays active until it expires, and a completion or
 * failure is written twice, which changes nothing.
 */
class OutageTolerantSql {
  private down = false;

  constructor(
    private readonly pool: Pool,
    private readonly log: QueueOptions['log'],
  ) {}

  readonly executeSql = async (text: string, values: unknown[]): Promise<QueryResult> => {
    for (let wait: number = OUTAGE_WAIT_MS[0]; ; wait = Math.min(2 * wait, OUTAGE_WAIT_MS[1])) {
      try {
        const result = await this.pool.query(text, values);
        if (this.down) {
          this.down = false;
          this.log.info({ event: 'queue_database_back' }, 'the database answers again; the queue goes on');
        }
        return result;
      } catch (error) {
        if (!isConnectionError(error) || this.pool.ending) throw error;
        if (!this.down) {
          this.down = true;
          const message = scrubSecrets(error instanceof Error ? error.message : String(error));
          this.log.warn({ event: 'queue_database_down', error: message }, `the database is unreachable (${message}); the queue waits for it`);
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  };
}

/**
 * pg-boss on the shared database (its own schema, probe_boss), through our
 * connection pool: every `probe serve` pointed at the database takes units.
 * A unit whose attempt fails (the database restarting under it included) is
 * retried `retries` times, a second after it failed.
 */
export async function startQueue(pool: Pool, options: QueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    db: { executeSql: new OutageTolerantSql(pool, options.log).executeSql },
    schema: 'probe_boss',
    maintenanceIntervalSeconds: options.maintenanceSeconds,
  });
  // pg-boss reports what fails in its loops (fetching, maintenance) here; without a listener it would throw
  boss.on('error', (error: Error & { queue?: string }) => {
    const message = scrubSecrets(error.message ?? String(error));
    options.log.error({ event: 'queue_error', queue: error.queue, error: message }, `queue error: ${message}`);
  });
  await boss.start();
  await untilNoDeadlock(() => boss.createQueue(FAILED_UNIT_QUEUE, { name: FAILED_UNIT_QUEUE }));
  const unitQueue = {
    name: UNIT_QUEUE,
    retryLimit: options.retries,
    retryDelay: 1,
    expireInSeconds: options.unitTimeoutSeconds,
    deadLetter: FAILED_UNIT_QUEUE,
  };
  // createQueue keeps an existing queue as it is; the options of this start win
  await untilNoDeadlock(() => boss.createQueue(UNIT_QUEUE, unitQueue));
  await untilNoDeadlock(() => boss.updateQueue(UNIT_QUEUE, unitQueue));
  return boss;
}

/** PostgreSQL's deadlock_detected. */
const DEADLOCK = '40P01';

/**
 * pg-boss creates a queue by inserting its row and then, in the same
 * transaction, a foreign key to the queue table: two instances creating the
 * same missing queue at once (the first start of two replicas) deadlock, and
 * PostgreSQL aborts one of them. The aborted one tries again after a random
 * pause, and then finds the queue created.
 */
async function untilNoDeadlock(step: () => Promise<unknown>, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== DEADLOCK || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
  }
}

export function unitKey(job: UnitJob): string {
  return `${job.runId}/${job.symbol}/${job.timeframe}`;
}
