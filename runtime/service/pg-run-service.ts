import type PgBoss from 'pg-boss';
import type { Pool, PoolClient } from 'pg';
import { RISK_PROFILE_NAMES } from '../engine/risk-profiles.js';
import { newRunId } from '../run/probe-run.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import { type EstimateOptions, type Rates, type Work, estimateSeconds, roundedEstimate, unitsWork } from './estimate.js';
import { learnedRates } from './learned-rates.js';
import { UNIT_QUEUE, type UnitJob, unitKey } from './queue.js';
import {
  type ResultFilters, type ResultItem, type RunRequest, type RunService, type RunStatus, type RunStatusName,
  ServiceError, type Submitted,
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

/**
 * Runs recorded in probe_service_runs (one row per run, one per work unit
 * in probe_service_units) and queued in pg-boss: every instance on the
 * database answers for every run, also after a restart.
 */
export class PgRunService implements RunService {
  constructor(
    private readonly pool: Pool,
    private readonly boss: PgBoss,
    private readonly strategies: readonly CompiledStrategy[],
  ) {}

  async submit(request: RunRequest): Promise<Submitted> {
    const symbols = [...new Set(request.symbols.map((s) => s.toUpperCase()))];
    const bars = await this.countBars(symbols, request);
    const strategies = request.strategyIds === null ? this.strategies.length : new Set(request.strategyIds).size;
    const profiles = RISK_PROFILE_NAMES.filter((p) => request.riskProfiles.includes(p));
    const timeframes = [...new Set(request.timeframes)];
    const total = symbols.length * timeframes.length * strategies * profiles.length;
    const runId = request.runId ?? newRunId();
    const normalized: RunRequest = { ...request, symbols, timeframes, riskProfiles: profiles, runId };
    const combinations = strategies * profiles.length;
    const units = symbols.flatMap((symbol) =>
      timeframes.map((timeframe) => ({ symbol, timeframe, bars: bars.get(unitKeyOf(symbol, timeframe)) ?? 0 })),
    );

    // a submission that finds the run id taken, before its insert or by it (a concurrent identical submission
    // committed first), answers as a resubmission; runs are never deleted, so the second look finds the row
    for (let attempt = 0; attempt < 2; attempt++) {
      const existing = await this.row(runId);
      if (existing) return this.resubmit(existing, normalized, bars);
      if (await this.create(normalized, units, total, combinations)) {
        const work = unitsWork(units.filter((u) => u.bars > 0).map((u) => ({ combinations, bars: u.bars })));
        return {
          runId,
          status: 'queued',
          totalCombinations: total,
          estimatedSeconds: await this.estimate(work, { persistTrades: request.persistTrades, queued: true }),
          unchanged: false,
        };
      }
    }
    throw new Error(`run ${runId} was neither stored nor found`);
  }

  /**
   * The run, its units and their jobs in one transaction: one commit per
   * submission, and a run is never stored without its jobs. False when the
   * run id is taken (by a submission that committed meanwhile): nothing is
   * stored then. A unit without bars in the range has nothing to do (the
   * run's other units hold its symbol's bars, see countBars): it is stored
   * done, as `probe run` skips such a timeframe, and gets no job, which would
   * fail for want of bars and fail the run with it.
   */
  private async create(
    request: RunRequest,
    units: readonly { symbol: string; timeframe: string; bars: number }[],
    total: number,
    combinations: number,
  ): Promise<boolean> {
    const runId = request.runId!;
    return this.transaction(async (client) => {
      // waits for a concurrent insert of the same id to commit or roll back, then inserts or does nothing
      const inserted = await client.query(
        `INSERT INTO probe_service_runs (run_id, status, request, total_combinations, units_total) VALUES ($1, 'queued', $2, $3, $4)
         ON CONFLICT (run_id) DO NOTHING`,
        [runId, JSON.stringify(request), total, units.length],
      );
      if (inserted.rowCount !== 1) return false;
      await client.query(
        `INSERT INTO probe_service_units (run_id, symbol, timeframe, combinations, bars, done, completed)
         SELECT $1, u.symbol, u.timeframe, $4, u.bars, u.bars = 0, CASE WHEN u.bars = 0 THEN $4 ELSE 0 END
         FROM unnest($2::text[], $3::text[], $5::int[]) AS u(symbol, timeframe, bars)`,
        [runId, units.map((u) => u.symbol), units.map((u) => u.timeframe), combinations, units.map((u) => u.bars)],
      );
      await this.queueUnits(client, runId, units.filter((u) => u.bars > 0));
      return true;
    });
  }

  /**
   * A submission of an existing run id: refused when the request differs;
   * a failed or cancelled run is resumed (its unfinished units go back on
   * the queue); a queued, running or completed one is answered as it is.
   */
  private async resubmit(existing: RunRow, request: RunRequest, bars: ReadonlyMap<string, number>): Promise<Submitted> {
    const runId = existing.run_id;
    if (existing.status === 'completed') return { ...(await this.submitted(existing, bars)), unchanged: true };
    if (!sameRequest(existing.request, request)) {
      throw new ServiceError('CONFLICT', `run ${runId} exists with a different request; resubmit it unchanged to resume it`, { run_id: runId });
    }
    let resumed = false;
    if (existing.status === 'failed' || existing.status === 'cancelled') {
      resumed = await this.transaction(async (client) => {
        // only one of concurrent resubmissions resumes: the others wait for its commit and then find the run queued
        const updated = await client.query(
          `UPDATE probe_service_runs SET status = 'queued', error = NULL, finished_at = NULL WHERE run_id = $1 AND status IN ('failed', 'cancelled')`,
          [runId],
        );
        if (updated.rowCount !== 1) return false;
        const pending = await client.query<{ symbol: string; timeframe: string }>(
          `SELECT symbol, timeframe FROM probe_service_units WHERE run_id = $1 AND NOT done ORDER BY symbol, timeframe`,
          [runId],
        );
        await this.queueUnits(client, runId, pending.rows);
        return true;
      });
    }
    // resumed here or by a concurrent resubmission: as it is now
    const current = existing.status === 'failed' || existing.status === 'cancelled' ? (await this.row(runId))! : existing;
    return { ...(await this.submitted(current, bars)), unchanged: !resumed };
  }

  /** The units' jobs, in one statement, on the transaction's client. */
  private async queueUnits(client: PoolClient, runId: string, units: readonly { symbol: string; timeframe: string }[]): Promise<void> {
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
      if (lost === undefined) await client.query('ROLLBACK').catch(() => {});
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
    const values: unknown[] = [runId];
    let where = 'r.run_id = $1';
    if (filters.symbol !== undefined) where += ` AND r.symbol = $${values.push(filters.symbol.toUpperCase())}`;
    if (filters.timeframe !== undefined) where += ` AND r.timeframe = $${values.push(filters.timeframe)}`;
    if (filters.strategyId !== undefined) {
      const name = this.strategies.find((s) => s.id === filters.strategyId)?.name ?? '';
      where += ` AND s.name = $${values.push(name)}`;
    }
    if (filters.riskProfile !== undefined) where += ` AND r.risk_profile = $${values.push(filters.riskProfile)}`;
    if (filters.longShort !== undefined) where += ` AND r.long_short = $${values.push(filters.longShort)}`;
    const from = `FROM strategy_probe_results r JOIN probe_strategies s ON s.id = r.strategy_id WHERE ${where}`;
    const total = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, values);
    const page = await this.pool.query<Omit<ResultItem, 'strategy_id'> & { name: string }>(
      `SELECT s.name, s.name AS strategy_name, r.symbol, r.timeframe, r.risk_profile, r.open_day::text AS open_day, r.open_hour,
              r.long_short, r.num_trades, r.pnl_mean, r.pnl_std, r.max_drawdown, r.max_profit
       ${from} ORDER BY r.id LIMIT $${values.push(limit)} OFFSET $${values.push(offset)}`,
      values,
    );
    const ids = new Map(this.strategies.map((s) => [s.name, s.id]));
    return {
      total: total.rows[0]!.n,
      results: page.rows.map(({ name, ...row }) => ({ strategy_id: ids.get(name) ?? 0, ...row })),
    };
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
      work = unitsWork(rows.map((u) => ({ combinations: u.combinations - u.completed, bars: bars.get(unitKeyOf(u.symbol, u.timeframe)) ?? 0 })));
    }
    return {
      runId: row.run_id,
      status: row.status,
      totalCombinations: row.total_combinations,
      estimatedSeconds: await this.estimate(work, estimateOptions(row)),
    };
  }

  private async estimate(work: Work, options: EstimateOptions): Promise<number> {
    return roundedEstimate(estimateSeconds(work, options, await this.rates()));
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
   * Bars per (symbol, timeframe) in the requested range, keyed by unitKeyOf,
   * in one query on the (ticker_id, timeframe, timestamp) index; refuses
   * unknown symbols and symbols without bars in the range.
   */
  private async countBars(symbols: readonly string[], request: RunRequest): Promise<Map<string, number>> {
    const values: unknown[] = [symbols, [...new Set(request.timeframes)]];
    let range = '';
    if (request.startDate !== null) range += ` AND b.timestamp >= $${values.push(`${request.startDate}T00:00:00Z`)}`;
    if (request.endDate !== null) range += ` AND b.timestamp < ($${values.push(`${request.endDate}T00:00:00Z`)}::timestamptz + interval '1 day')`;
    const counted = await this.pool.query<{ symbol: string; timeframe: string; bars: number }>(
      `SELECT t.symbol, tf.timeframe,
              (SELECT count(*) FROM ohlcv_bars b WHERE b.ticker_id = t.id AND b.timeframe = tf.timeframe${range})::int AS bars
       FROM tickers t CROSS JOIN unnest($2::text[]) AS tf(timeframe) WHERE t.symbol = ANY($1)`,
      values,
    );
    const found = new Map<string, number>();
    const bars = new Map<string, number>();
    for (const row of counted.rows) {
      found.set(row.symbol, (found.get(row.symbol) ?? 0) + row.bars);
      bars.set(unitKeyOf(row.symbol, row.timeframe), row.bars);
    }
    const unknown = symbols.filter((s) => !found.has(s));
    if (unknown.length > 0) {
      throw new ServiceError('INVALID_SYMBOL', `Symbol ${unknown.join(', ')} not found in database`, { symbols: unknown });
    }
    const empty = symbols.filter((s) => !found.get(s));
    if (empty.length > 0) {
      throw new ServiceError('VALIDATION_ERROR', `no bars for ${empty.join(', ')} in the requested timeframes and dates`, { field: 'symbols', symbols: empty });
    }
    return bars;
  }
}

function unitKeyOf(symbol: string, timeframe: string): string {
  return `${symbol}/${timeframe}`;
}

function estimateOptions(row: RunRow): EstimateOptions {
  return { persistTrades: row.request.persistTrades, queued: row.status === 'queued' };
}

function workLeft(row: RunRow): Work {
  return { units: row.units_left, bars: row.bars_left, steps: row.steps_left };
}

/**
 * Whether a resubmission asks for the same run as the stored request: the
 * request as submit normalised it, compared as values. The stored copy comes
 * back from jsonb with its keys in jsonb's order, so the fields are taken
 * one by one in an order of ours, never the objects' text; the lists are sets (their order and duplicates change no combination),
 * symbols compared upper-cased as they are stored.
 */
export function sameRequest(stored: RunRequest, submitted: RunRequest): boolean {
  return JSON.stringify(comparable(stored)) === JSON.stringify(comparable(submitted));
}

/** The fields that make a run, in a fixed order, lists as sorted sets. */
function comparable(request: RunRequest): unknown[] {
  const set = <T extends string | number>(values: readonly T[]): T[] =>
    [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return [
    set(request.symbols.map((s) => s.toUpperCase())),
    set(request.timeframes),
    set(request.riskProfiles),
    request.strategyIds === null || request.strategyIds === undefined ? null : set(request.strategyIds),
    request.startDate ?? null,
    request.endDate ?? null,
    request.persistTrades === true,
    request.runId ?? null,
  ];
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
