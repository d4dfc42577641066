import PgBoss from 'pg-boss';
import type { Pool } from 'pg';

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
  readonly retries: number;
}

/**
 * pg-boss on the shared database (its own schema, probe_boss), through our
 * connection pool: every `probe serve` pointed at the database takes units.
 */
export async function startQueue(pool: Pool, options: QueueOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
    schema: 'probe_boss',
    maintenanceIntervalSeconds: options.maintenanceSeconds,
  });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue(FAILED_UNIT_QUEUE, { name: FAILED_UNIT_QUEUE });
  const unitQueue = {
    name: UNIT_QUEUE,
    retryLimit: options.retries,
    retryDelay: 1,
    expireInSeconds: options.unitTimeoutSeconds,
    deadLetter: FAILED_UNIT_QUEUE,
  };
  // createQueue keeps an existing queue as it is; the options of this start win
  await boss.createQueue(UNIT_QUEUE, unitQueue);
  await boss.updateQueue(UNIT_QUEUE, unitQueue);
  return boss;
}

export function unitKey(job: UnitJob): string {
  return `${job.runId}/${job.symbol}/${job.timeframe}`;
}
