import type PgBoss from 'pg-boss';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../logger.js';
import { newRunId } from '../run/probe-run.js';
import { type EstimateOptions, type Rates, type Work, unitsWork } from './estimate.js';
import { learnedRates } from './learned-rates.js';
import { UNIT_QUEUE, type UnitJob, unitKey } from './queue.js';
import {
  type NormalizedRequest, type Submission, type UnitKey, checkSymbols, estimatedSeconds, normalizeSubmission, resubmission, submissionWork,
  unitKeyOf,
} from './submission.js';
import type { WorkerPool } from '../run/pool.js';
import { RunReports } from './run-reports.js';
import type {
  ResultFilters, ResultItem, RunRequest, RunService, RunStatus, RunStatusName, Submitted, SummaryPageData,
} from './types.js';

/** How long learned rates are used before the finished units are read again. */
const RATES_TTL_MS = 30_000;

interface RunRow {
  run_id: string;
  status: RunStatusName;
  request: RunRequest;
  total_combinations: number;
  units_total: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  total_trades: number | null;
  total_result_records: number | null;
  completed: number;
  /** What is left (see estimate.ts's Work); bars_unknown when a unit left has no bar count (submitted before probe counted them). */
  units_left: number;
  bars_left: number;
  steps_left: number;
  bars_unknown: boolean;
}

/** A unit of a submission with its bars in the run's range. */
type CountedUnit = UnitKey & { readonly bars: number };

/**
 * Runs recorded in probe_service_runs (one row per run, one per work unit
 * in probe_service_units) and queued in pg-boss: every instance on the
 * database answers for every run, also after a restart.
 */
export class PgRunService implements RunService {
  private readonly reports: RunReports;

  constructor(
    private readonly pool: Pool,
    private readonly boss: PgBoss,
    /** The registry's strategies (generated/): their registry ids name them in requests and results. */
    private readonly strategies: readonly { readonly id: number; readonly name: string }[],
    /** Where failures that fail no request (a ROLLBACK that failed) are logged. */
    private readonly log: Pick<Logger, 'warn'>,
    /** Where /summary and /report recompute the trades of a run that did not store them; default a pool of one made per report. */
    workers?: WorkerPool,
  ) {
    this.reports = new RunReports(pool, workers);
  }

  /**
   * Normalises the request (submission.ts) and counts its bars, refusing
   * unknown symbols; then stores and queues it as a new run, or answers it as
   * a resubmission of the run id. A submission that finds the run id taken,
   * before its insert or by it (a concurrent identical submission committed
   * first), answers as a resubmission; runs are never deleted, so the second
   * look finds the row.
   */
  async submit(request: RunRequest): Promise<Submitted> {
    const submission = normalizeSubmission(request, this.strategies.length, newRunId);
    const bars = await this.countBars(submission);
    const units = submission.units.map((u) => ({ ...u, bars: bars.get(unitKeyOf(u)) ?? 0 }));
    const { runId } = submission.request;
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await this.row(runId);
      if (existing) return this.resubmit(existing, submission.request, bars);
      if (await this.create(submission, units)) {
        const work = submissionWork(units, submission.combinations);
        return {
          runId,
          status: 'queued',
          totalCombinations: submission.total,
          estimatedSeconds: await this.estimate(work, { persistTrades: submission.request.persistTrades, queued: true }),
          unchanged: false,
        };
      }
    }
    throw new Error(`run ${runId} was neither stored nor found`);
  }

  /**
   * The run stored and its units queued, in one transaction: one commit per
   * submission, and a run is never stored without its jobs. False when the
   * run id is taken (by a submission that committed meanwhile): nothing is
   * stored then. A unit without bars in the range has nothing to do (the
   * run's other units hold its symbol's bars, see countBars): it is stored
   * done, as `probe run` skips such a timeframe, and gets no job, which would
   * fail for want of bars and fail the run with it.
   */
  private async create(submission: Submission, units: readonly CountedUnit[]): Promise<boolean> {
    return this.transaction(async (client) => {
      if (!(await this.store(client, submission, units))) return false;
      await this.queueUnits(client, submission.request.runId, units.filter((u) => u.bars > 0));
      return true;
    });
  }

  /** The run's row and its units' rows, on the transaction's client; false (and nothing stored) when the run id is taken. */
  private async store(client: PoolClient, submission: Submission, units: readonly CountedUnit[]): Promise<boolean> {
    const { request, total, combinations } = submission;
    // waits for a concurrent insert of the same id to commit or roll back, then inserts or does nothing
    const inserted = await client.query(
      `INSERT INTO probe_service_runs (run_id, status, request, total_combinations, units_total) VALUES ($1, 'queued', $2, $3, $4)
       ON CONFLICT (run_id) DO NOTHING`,
      [request.runId, JSON.stringify(request), total, units.length],
    );
    if (inserted.rowCount !== 1) return false;
    await client.query(
      `INSERT INTO probe_service_units (run_id, symbol, timeframe, combinations, bars, done, completed)
       SELECT $1, u.symbol, u.timeframe, $4, u.bars, u.bars = 0, CASE WHEN u.bars = 0 THEN $4 ELSE 0 END
       FROM unnest($2::text[], $3::text[], $5::int[]) AS u(symbol, timeframe, bars)`,
      [request.runId, units.map((u) => u.symbol), units.map((u) => u.timeframe), combinations, units.map((u) => u.bars)],
    );
    return true;
  }

  /**
   * A submission of an existing run id (resubmission() says what it does):
   * a failed or cancelled run is reopened and its unfinished units queued
   * again, in one transaction; the run is answered as it is then.
   */
  private async resubmit(existing: RunRow, request: NormalizedRequest, bars: ReadonlyMap<string, number>): Promise<Submitted> {
    const runId = existing.run_id;
    if (resubmission(existing, request) === 'answer') return { ...(await this.submitted(existing, bars)), unchanged: true };
    const resumed = await this.transaction(async (client) => {
      const pending = await this.reopen(client, runId);
      if (pending === undefined) return false;
      await this.queueUnits(client, runId, pending);
      return true;
    });
    // resumed here or by a concurrent resubmission: as it is now
    return { ...(await this.submitted((await this.row(runId))!, bars)), unchanged: !resumed };
  }

  /**
   * A failed or cancelled run queued again, on the transaction's client,
   * with the units it has left; undefined when it is neither any more: of
   * concurrent resubmissions only one reopens it, the others wait for its
   * commit and then find it queued.
   */
  private async reopen(client: PoolClient, runId: string): Promise<UnitKey[] | undefined> {
    const updated = await client.query(
      `UPDATE probe_service_runs SET status = 'queued', error = NULL, finished_at = NULL WHERE run_id = $1 AND status IN ('failed', 'cancelled')`,
      [runId],
    );
    if (updated.rowCount !== 1) return undefined;
    const pending = await client.query<UnitKey>(
      `SELECT symbol, timeframe FROM probe_service_units WHERE run_id = $1 AND NOT done ORDER BY symbol, timeframe`,
      [runId],
    );
    return pending.rows;
  }

  /** The units' jobs, in one statement, on the transaction's client. */
  private async queueUnits(client: PoolClient, runId: string, units: readonly UnitKey[]): Promise<void> {
    if (units.length === 0) return;
    const jobs = units.map((unit) => {
      const job: UnitJob = { runId, symbol: unit.symbol, timeframe: unit.timeframe };
      return { name: UNIT_QUEUE, data: job, singletonKey: unitKey(job) };
    });
    await this.boss.insert(jobs, { db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) } });
  }

  /**
   * `work` in a transaction on a client of its own, committed when it
   * resolves, rolled back when it throws. pg emits 'error' on a checked-out
   * client whose connection dies, and the pool listens only while a client
   * is idle: without a listener of ours the event would end the process.
   * While held, the client's error is recorded (the statement in flight
   * fails with it all the same) and the client is then released with it, so
   * that the pool discards the broken connection instead of reusing it.
   */
  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let lost: Error | undefined;
    const onError = (error: Error): void => {
      lost ??= error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (lost === undefined) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          // the connection is in doubt: the pool discards it rather than hand out a transaction left open
          lost = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          this.log.warn({ event: 'rollback_failed', err: lost }, `a submission's transaction failed, and so did its ROLLBACK: ${lost.message}`);
        });
      }
      throw error;
    } finally {
      client.removeListener('error', onError);
      client.release(lost);
    }
  }

  async status(runId: string): Promise<RunStatus | undefined> {
    const row = await this.row(runId);
    if (row === undefined) return undefined;
    const finished = row.status !== 'queued' && row.status !== 'running';
    // unknown rather than wrong for a run whose units were submitted before their bars were counted
    const left = finished || row.bars_unknown ? null : await this.estimate(workLeft(row), estimateOptions(row));
    return { ...toStatus(row), estimatedSecondsLeft: left };
  }

  async cancel(runId: string): Promise<RunStatus | undefined> {
    await this.pool.query(
      `UPDATE probe_service_runs SET status = 'cancelled', finished_at = now() WHERE run_id = $1 AND status IN ('queued', 'running')`,
      [runId],
    );
    return this.status(runId);
  }

  async results(runId: string, filters: ResultFilters, limit: number, offset: number): Promise<{ total: number; results: ResultItem[] }> {
    // results hold probe_strategies ids, the API registry ids: the registry's (name, id) pairs join the two in the query,
    // once per page rather than once per row; a strategy the registry does not hold has registry id 0
    const values: unknown[] = [runId, this.strategies.map((s) => s.name), this.strategies.map((s) => s.id)];
    let where = 'r.run_id = $1';
    if (filters.symbol !== undefined) where += ` AND r.symbol = $${values.push(filters.symbol.toUpperCase())}`;
    if (filters.timeframe !== undefined) where += ` AND r.timeframe = $${values.push(filters.timeframe)}`;
    if (filters.strategyId !== undefined) where += ` AND g.registry_id = $${values.push(filters.strategyId)}`;
    if (filters.riskProfile !== undefined) where += ` AND r.risk_profile = $${values.push(filters.riskProfile)}`;
    if (filters.longShort !== undefined) where += ` AND r.long_short = $${values.push(filters.longShort)}`;
    const from =
      `FROM strategy_probe_results r JOIN probe_strategies s ON s.id = r.strategy_id ` +
      `LEFT JOIN unnest($2::text[], $3::int[]) AS g(name, registry_id) ON g.name = s.name WHERE ${where}`;
    const total = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, values);
    const page = await this.pool.query<ResultItem>(
      `SELECT coalesce(g.registry_id, 0) AS strategy_id, s.name AS strategy_name, r.symbol, r.timeframe, r.risk_profile,
              r.open_day::text AS open_day, r.open_hour, r.long_short, r.num_trades, r.pnl_mean, r.pnl_std, r.max_drawdown, r.max_profit
       ${from} ORDER BY r.id LIMIT $${values.push(limit)} OFFSET $${values.push(offset)}`,
      values,
    );
    return { total: total.rows[0]!.n, results: page.rows };
  }

  async summary(runId: string, filters: ResultFilters, limit: number, offset: number): Promise<SummaryPageData> {
    return this.reports.summary(runId, await this.reportState(runId), filters, limit, offset);
  }

  async report(runId: string): Promise<Uint8Array> {
    return this.reports.html(runId, await this.reportState(runId));
  }

  /** What changes when a finished run is resumed and finishes again: its report is then made anew. */
  private async reportState(runId: string): Promise<string> {
    const { rows } = await this.pool.query<{ state: string }>(
      `SELECT concat_ws(' ', status, finished_at::text) AS state FROM probe_service_runs WHERE run_id = $1`,
      [runId],
    );
    return rows[0]?.state ?? '';
  }

  async databaseOk(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** The run with its units' progress summed, and what is left of them. */
  private async row(runId: string): Promise<RunRow | undefined> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT r.*, coalesce(sum(u.completed), 0)::int AS completed,
              count(*) FILTER (WHERE NOT u.done AND u.completed = 0)::int AS units_left,
              coalesce(sum(u.bars) FILTER (WHERE NOT u.done AND u.completed = 0), 0)::float8 AS bars_left,
              coalesce(sum((u.combinations - u.completed)::float8 * u.bars) FILTER (WHERE NOT u.done), 0)::float8 AS steps_left,
              coalesce(bool_or(NOT u.done AND u.bars IS NULL), false) AS bars_unknown
       FROM probe_service_runs r LEFT JOIN probe_service_units u ON u.run_id = r.run_id
       WHERE r.run_id = $1 GROUP BY r.run_id`,
      [runId],
    );
    return rows[0];
  }

  /** An existing run as a submission answers it; `bars` (counted now) stands in for bar counts its units lack. */
  private async submitted(row: RunRow, bars: ReadonlyMap<string, number>): Promise<Submitted> {
    let work = workLeft(row);
    if (row.bars_unknown) {
      const { rows } = await this.pool.query<{ symbol: string; timeframe: string; combinations: number; completed: number }>(
        `SELECT symbol, timeframe, combinations, completed FROM probe_service_units WHERE run_id = $1 AND NOT done`,
        [row.run_id],
      );
      work = unitsWork(rows.map((u) => ({ combinations: u.combinations - u.completed, bars: bars.get(unitKeyOf(u)) ?? 0 })));
    }
    return {
      runId: row.run_id,
      status: row.status,
      totalCombinations: row.total_combinations,
      estimatedSeconds: await this.estimate(work, estimateOptions(row)),
    };
  }

  private async estimate(work: Work, options: EstimateOptions): Promise<number> {
    return estimatedSeconds(work, options, await this.rates());
  }

  private learned: { rates: Rates; at: number } | undefined;

  /**
   * The unit model's rates fitted to the units finished in the last week by
   * any instance (read at most every RATES_TTL_MS); the defaults until one has.
   */
  private async rates(): Promise<Rates> {
    if (this.learned && Date.now() - this.learned.at < RATES_TTL_MS) return this.learned.rates;
    this.learned = { rates: await learnedRates(this.pool), at: Date.now() };
    return this.learned.rates;
  }

  /**
   * Bars per unit in the requested range, keyed by unitKeyOf, in one query
   * on the (ticker_id, timeframe, timestamp) index; refuses unknown symbols
   * and symbols without bars in the range (checkSymbols).
   */
  private async countBars(submission: Submission): Promise<Map<string, number>> {
    const { symbols, timeframes, startDate, endDate } = submission.request;
    const values: unknown[] = [symbols, timeframes];
    let range = '';
    if (startDate !== null) range += ` AND b.timestamp >= $${values.push(`${startDate}T00:00:00Z`)}`;
    if (endDate !== null) range += ` AND b.timestamp < ($${values.push(`${endDate}T00:00:00Z`)}::timestamptz + interval '1 day')`;
    const counted = await this.pool.query<{ symbol: string; timeframe: string; bars: number }>(
      `SELECT t.symbol, tf.timeframe,
              (SELECT count(*) FROM ohlcv_bars b WHERE b.ticker_id = t.id AND b.timeframe = tf.timeframe${range})::int AS bars
       FROM tickers t CROSS JOIN unnest($2::text[]) AS tf(timeframe) WHERE t.symbol = ANY($1)`,
      values,
    );
    const bySymbol = new Map<string, number>();
    const bars = new Map<string, number>();
    for (const row of counted.rows) {
      bySymbol.set(row.symbol, (bySymbol.get(row.symbol) ?? 0) + row.bars);
      bars.set(unitKeyOf(row), row.bars);
    }
    checkSymbols(symbols, bySymbol);
    return bars;
  }
}

function estimateOptions(row: RunRow): EstimateOptions {
  return { persistTrades: row.request.persistTrades, queued: row.status === 'queued' };
}

function workLeft(row: RunRow): Work {
  return { units: row.units_left, bars: row.bars_left, steps: row.steps_left };
}

function toStatus(row: RunRow): RunStatus {
  const started = row.started_at?.getTime();
  const finished = row.finished_at?.getTime() ?? Date.now();
  return {
    runId: row.run_id,
    status: row.status,
    request: row.request,
    totalCombinations: row.total_combinations,
    completedCombinations: row.completed,
    elapsedSeconds: started === undefined ? null : Math.max(0, (finished - started) / 1000),
    summary:
      row.status === 'completed'
        ? {
            totalCombinations: row.total_combinations,
            totalTrades: row.total_trades ?? 0,
            totalResultRecords: row.total_result_records ?? 0,
            elapsedSeconds: started === undefined ? 0 : Math.max(0, (finished - started) / 1000),
          }
        : null,
    error: row.error,
    createdAt: row.created_at.toISOString(),
  };
}
