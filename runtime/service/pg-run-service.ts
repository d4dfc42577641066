import type PgBoss from 'pg-boss';
import type { Pool } from 'pg';
import { RISK_PROFILE_NAMES } from '../engine/risk-profiles.js';
import { newRunId } from '../run/probe-run.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import { UNIT_QUEUE, type UnitJob, unitKey } from './queue.js';
import {
  type ResultFilters, type ResultItem, type RunRequest, type RunService, type RunStatus, type RunStatusName,
  ServiceError, type Submitted,
} from './types.js';

/** Throughput assumed before any run has finished, in combinations per second. */
const DEFAULT_THROUGHPUT = 300;

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
    await this.checkSymbols(symbols, request);
    const strategies = request.strategyIds === null ? this.strategies.length : new Set(request.strategyIds).size;
    const profiles = RISK_PROFILE_NAMES.filter((p) => request.riskProfiles.includes(p));
    const timeframes = [...new Set(request.timeframes)];
    const total = symbols.length * timeframes.length * strategies * profiles.length;
    const runId = request.runId ?? newRunId();
    const normalized: RunRequest = { ...request, symbols, timeframes, riskProfiles: profiles, runId };

    const existing = await this.row(runId);
    if (existing && existing.status === 'completed') return this.submitted(existing);
    if (existing && JSON.stringify(comparable(existing.request)) !== JSON.stringify(comparable(normalized))) {
      throw new ServiceError('CONFLICT', `run ${runId} exists with a different request; resubmit it unchanged to resume it`, { run_id: runId });
    }
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (existing) {
        // resubmitting resumes: failed or cancelled units go back on the queue
        await client.query(`UPDATE probe_service_runs SET status = 'queued', error = NULL, finished_at = NULL WHERE run_id = $1 AND status <> 'running'`, [runId]);
      } else {
        await client.query(
          `INSERT INTO probe_service_runs (run_id, status, request, total_combinations, units_total) VALUES ($1, 'queued', $2, $3, $4)`,
          [runId, JSON.stringify(normalized), total, symbols.length * timeframes.length],
        );
        const units = symbols.flatMap((symbol) => timeframes.map((timeframe) => [symbol, timeframe] as const));
        await client.query(
          `INSERT INTO probe_service_units (run_id, symbol, timeframe, combinations)
           SELECT $1, u.symbol, u.timeframe, $4 FROM unnest($2::text[], $3::text[]) AS u(symbol, timeframe)`,
          [runId, units.map((u) => u[0]), units.map((u) => u[1]), strategies * profiles.length],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
    const pending = existing
      ? (
          await this.pool.query<{ symbol: string; timeframe: string }>(
            `SELECT symbol, timeframe FROM probe_service_units WHERE run_id = $1 AND NOT done ORDER BY symbol, timeframe`,
            [runId],
          )
        ).rows
      : symbols.flatMap((symbol) => timeframes.map((timeframe) => ({ symbol, timeframe })));
    await Promise.all(
      pending.map((unit) => {
        const job: UnitJob = { runId, symbol: unit.symbol, timeframe: unit.timeframe };
        // the singleton key keeps a unit from being queued twice while it waits or runs
        return this.boss.send(UNIT_QUEUE, job, { singletonKey: unitKey(job) });
      }),
    );
    if (existing) return this.submitted((await this.row(runId))!);
    return { runId, status: 'queued', totalCombinations: total, estimatedSeconds: await this.estimate(total) };
  }

  async status(runId: string): Promise<RunStatus | undefined> {
    const row = await this.row(runId);
    return row && toStatus(row);
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

  /** The run with its units' progress summed. */
  private async row(runId: string): Promise<RunRow | undefined> {
    const { rows } = await this.pool.query<RunRow>(
      `SELECT r.*, coalesce(sum(u.completed), 0)::int AS completed
       FROM probe_service_runs r LEFT JOIN probe_service_units u ON u.run_id = r.run_id
       WHERE r.run_id = $1 GROUP BY r.run_id`,
      [runId],
    );
    return rows[0];
  }

  private async submitted(row: RunRow): Promise<Submitted> {
    return {
      runId: row.run_id,
      status: row.status,
      totalCombinations: row.total_combinations,
      estimatedSeconds: await this.estimate(row.total_combinations - row.completed),
    };
  }

  private async estimate(combinations: number): Promise<number> {
    return Math.ceil((10 * combinations) / (await this.throughput())) / 10;
  }

  private measured: { rate: number; at: number } | undefined;

  /** Combinations per second over the runs finished in the last week (looked up at most every 30 s). */
  private async throughput(): Promise<number> {
    if (this.measured && Date.now() - this.measured.at < 30_000) return this.measured.rate;
    const { rows } = await this.pool.query<{ rate: number | null }>(
      `SELECT sum(total_combinations) / nullif(sum(extract(epoch FROM finished_at - started_at)), 0) AS rate
       FROM probe_service_runs WHERE status = 'completed' AND finished_at > now() - interval '7 days' AND started_at IS NOT NULL`,
    );
    const rate = Number(rows[0]?.rate);
    this.measured = { rate: Number.isFinite(rate) && rate > 0 ? rate : DEFAULT_THROUGHPUT, at: Date.now() };
    return this.measured.rate;
  }

  /** Unknown symbols and symbols without bars in the range, in one indexed query. */
  private async checkSymbols(symbols: readonly string[], request: RunRequest): Promise<void> {
    const values: unknown[] = [symbols, [...request.timeframes]];
    let range = '';
    if (request.startDate !== null) range += ` AND b.timestamp >= $${values.push(`${request.startDate}T00:00:00Z`)}`;
    if (request.endDate !== null) range += ` AND b.timestamp < ($${values.push(`${request.endDate}T00:00:00Z`)}::timestamptz + interval '1 day')`;
    const known = await this.pool.query<{ symbol: string; has_bars: boolean }>(
      `SELECT t.symbol, EXISTS (SELECT 1 FROM ohlcv_bars b WHERE b.ticker_id = t.id AND b.timeframe = ANY($2)${range}) AS has_bars
       FROM tickers t WHERE t.symbol = ANY($1)`,
      values,
    );
    const found = new Map(known.rows.map((r) => [r.symbol, r.has_bars]));
    const unknown = symbols.filter((s) => !found.has(s));
    if (unknown.length > 0) {
      throw new ServiceError('INVALID_SYMBOL', `Symbol ${unknown.join(', ')} not found in database`, { symbols: unknown });
    }
    const empty = symbols.filter((s) => !found.get(s));
    if (empty.length > 0) {
      throw new ServiceError('VALIDATION_ERROR', `no bars for ${empty.join(', ')} in the requested timeframes and dates`, { field: 'symbols', symbols: empty });
    }
  }
}

/** What must match for a resubmission to resume the same run. */
function comparable(request: RunRequest): unknown {
  return { ...request, symbols: [...request.symbols].sort(), timeframes: [...request.timeframes].sort(), riskProfiles: [...request.riskProfiles].sort() };
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
