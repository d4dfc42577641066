import { hostname } from 'node:os';
import type PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import { ensureStrategies } from '../db/ensure-strategies.js';
import { type Logger, scrubSecrets } from '../logger.js';
import type { WorkerPool } from '../run/pool.js';
import { probeRun } from '../run/probe-run.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import type { LagFigures } from './event-loop-lag.js';
import { FAILED_UNIT_QUEUE, UNIT_QUEUE, type UnitJob } from './queue.js';
import type { RunRequest } from './types.js';

export interface UnitWorkerOptions {
  readonly batchRows: number;
  /** How often a running unit records its progress. */
  readonly progressMs?: number;
  /** Where a unit's finish and failure are logged, and a failure to record its progress or its error. */
  readonly log: Pick<Logger, 'info' | 'warn'>;
  /** The event loop's recent lag, logged with each unit: whether serving stayed responsive while the unit ran. */
  readonly eventLoopLag?: () => LagFigures;
}

const DAY_MS = 86_400_000;

/**
 * Takes work units from the queue, one at a time per instance (each already
 * fans out over the worker-thread pool), and runs them through the
 * resumable database path: a unit retried after its instance died skips
 * what that instance stored.
 */
export class UnitWorker {
  private readonly instance = `${hostname()}:${process.pid}`;
  private running = 0;

  constructor(
    private readonly pool: Pool,
    private readonly boss: PgBoss,
    private readonly workers: WorkerPool,
    private readonly strategies: readonly CompiledStrategy[],
    private readonly options: UnitWorkerOptions,
  ) {}

  get busy(): boolean {
    return this.running > 0;
  }

  async start(): Promise<void> {
    const id = await this.boss.work<UnitJob>(UNIT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      // pg-boss waits a polling interval after each job; a queue full of
      // small (or cancelled) units must not trickle at two per second
      this.boss.notifyWorker(id);
      if (job) await this.runUnit(job.data);
    });
    await this.boss.work<UnitJob>(FAILED_UNIT_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
      if (job) await this.failRun(job.data);
    });
  }

  /** Stops taking units; waits up to `timeoutMs` for the one in flight, else hands it back to the queue. */
  async stop(timeoutMs: number): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs, close: false, wait: true });
  }

  private async runUnit(unit: UnitJob): Promise<void> {
    const { rows } = await this.pool.query<{ status: string; request: RunRequest }>(
      `SELECT status, request FROM probe_service_runs WHERE run_id = $1`,
      [unit.runId],
    );
    const run = rows[0];
    if (!run || run.status === 'cancelled' || run.status === 'failed' || run.status === 'completed') return;
    this.running++;
    try {
      await this.pool.query(
        `UPDATE probe_service_runs SET status = 'running', started_at = coalesce(started_at, now()) WHERE run_id = $1 AND status = 'queued'`,
        [unit.runId],
      );
      // started_at and finished_at time this attempt: the run service learns its estimates from them
      await this.record(unit, `instance = $4, error = NULL, started_at = now(), finished_at = NULL`, [this.instance]);
      const request = run.request;
      const strategies = request.strategyIds === null ? this.strategies : this.strategies.filter((s) => request.strategyIds!.includes(s.id));
      const start = request.startDate === null ? undefined : Date.parse(`${request.startDate}T00:00:00Z`);
      const end = request.endDate === null ? undefined : Date.parse(`${request.endDate}T00:00:00Z`);
      let lastProgress = 0;
      let progressLost = false;
      const summary = await probeRun(this.pool, this.workers, {
        symbols: [unit.symbol],
        timeframes: [unit.timeframe],
        profiles: request.riskProfiles,
        strategies,
        start,
        end: end === undefined ? undefined : end + DAY_MS - 1,
        periodStart: start,
        periodEnd: end,
        runId: unit.runId,
        persistTrades: request.persistTrades,
        batchRows: this.options.batchRows,
        strategyIds: await ensureStrategies(this.pool, strategies),
        // this thread serves HTTP: indicators are computed on the pool, as everything else CPU-heavy is
        indicatorsOn: 'pool',
        onProgress: (done) => {
          const now = Date.now();
          if (now - lastProgress < (this.options.progressMs ?? 500)) return;
          lastProgress = now;
          void this.record(unit, 'completed = greatest(completed, $4)', [done]).catch((error: unknown) => {
            // progress is only shown: the unit goes on, and says so once an attempt rather than at every tick
            if (progressLost) return;
            progressLost = true;
            this.notRecorded(unit, 'progress', error);
          });
        },
      });
      // the unit's result rows and trades, counted from what is stored as the run's totals are (completeRunIfDone), so
      // that a unit resumed after an attempt died counts that attempt's rows too
      await this.record(
        unit,
        `done = true, completed = combinations, finished_at = now(),
         (result_rows, trades) = (SELECT count(*)::int, coalesce(sum(r.num_trades), 0)::int FROM strategy_probe_results r
                                  WHERE r.run_id = $1 AND r.symbol = $2 AND r.timeframe = $3)`,
        [],
      );
      await this.completeRunIfDone(unit.runId);
      this.options.log.info(
        {
          event: 'unit_finish',
          run_id: unit.runId,
          symbol: unit.symbol,
          timeframe: unit.timeframe,
          combinations_run: summary.combinations,
          resumed: summary.resumed,
          result_rows: summary.resultRows,
          trades: summary.engineTrades,
          trades_stored: summary.trades,
          persist_trades: request.persistTrades,
          seconds: Number(summary.seconds.toFixed(3)),
          ...this.lagFields(),
        },
        `unit ${unit.runId} ${unit.symbol} ${unit.timeframe} finished: ${summary.combinations} combinations in ${summary.seconds.toFixed(2)} s`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.record(unit, 'error = $4', [message]).catch((recordError: unknown) => this.notRecorded(unit, 'error', recordError));
      this.options.log.warn(
        // the logger masks passwords in messages only, not in fields
        { event: 'unit_failed', run_id: unit.runId, symbol: unit.symbol, timeframe: unit.timeframe, error: scrubSecrets(message), ...this.lagFields() },
        `unit ${unit.runId} ${unit.symbol} ${unit.timeframe} failed: ${message}`,
      );
      throw error;
    } finally {
      this.running--;
    }
  }

  /** A unit's progress or error that could not be written (the database away): logged, the unit's own outcome stands. */
  private notRecorded(unit: UnitJob, what: 'progress' | 'error', error: unknown): void {
    const message = scrubSecrets(error instanceof Error ? error.message : String(error));
    this.options.log.warn(
      { event: 'unit_record_failed', run_id: unit.runId, symbol: unit.symbol, timeframe: unit.timeframe, record: what, error: message },
      `unit ${unit.runId} ${unit.symbol} ${unit.timeframe}: its ${what} was not recorded: ${message}`,
    );
  }

  private lagFields(): { event_loop_lag_ms?: LagFigures } {
    return this.options.eventLoopLag === undefined ? {} : { event_loop_lag_ms: this.options.eventLoopLag() };
  }

  private async record(unit: UnitJob, set: string, values: unknown[]): Promise<void> {
    await this.pool.query(
      `UPDATE probe_service_units SET ${set}, updated_at = now() WHERE run_id = $1 AND symbol = $2 AND timeframe = $3`,
      [unit.runId, unit.symbol, unit.timeframe, ...values],
    );
  }

  /**
   * The last unit to finish completes the run, with its totals counted from
   * what was stored: every trade the engine made is counted in the num_trades
   * of exactly one result row, whether or not the trades themselves were stored.
   */
  private async completeRunIfDone(runId: string): Promise<void> {
    await this.pool.query(
      `UPDATE probe_service_runs r SET status = 'completed', finished_at = now(),
              total_result_records = (SELECT count(*) FROM strategy_probe_results WHERE run_id = $1),
              total_trades = (SELECT coalesce(sum(num_trades), 0) FROM strategy_probe_results WHERE run_id = $1)
       WHERE r.run_id = $1 AND r.status = 'running'
         AND NOT EXISTS (SELECT 1 FROM probe_service_units u WHERE u.run_id = $1 AND NOT u.done)`,
      [runId],
    );
  }

  /** A unit that failed every retry fails its run; what was written stays. */
  private async failRun(unit: UnitJob): Promise<void> {
    const { rows } = await this.pool.query<{ error: string | null }>(
      `SELECT error FROM probe_service_units WHERE run_id = $1 AND symbol = $2 AND timeframe = $3`,
      [unit.runId, unit.symbol, unit.timeframe],
    );
    const reason = rows[0]?.error ?? 'the unit did not finish in time';
    await this.pool.query(
      `UPDATE probe_service_runs SET status = 'failed', finished_at = now(), error = $2 WHERE run_id = $1 AND status IN ('queued', 'running')`,
      [unit.runId, `${unit.symbol} ${unit.timeframe}: ${reason}`],
    );
  }
}
