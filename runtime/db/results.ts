import { performance } from 'node:perf_hooks';
import type { Pool, PoolClient } from 'pg';
import { entryJustification, exitJustification, sideName } from '../engine/justification.js';
import type { Combination } from '../run/backtest.js';
import { copyRows } from './copy.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const RESULT_COLUMNS = [
  'run_id', 'symbol', 'strategy_id', 'strategy_version', 'period_start', 'period_end', 'timeframe', 'risk_profile',
  'open_day', 'open_hour', 'long_short', 'num_trades', 'pnl_mean', 'pnl_std', 'max_drawdown', 'max_profit',
] as const;

const TRADE_COLUMNS = [
  'strategy_probe_result_id', 'ticker', 'open_timestamp', 'close_timestamp', 'direction', 'open_justification',
  'close_justification', 'pnl', 'pnl_pct', 'bars_held', 'max_drawdown', 'max_profit', 'pnl_std',
] as const;

/** What is written with every combination of one (symbol, timeframe). */
export interface WriteContext {
  readonly runId: string;
  readonly symbol: string;
  /** UTC epoch ms: the requested dates, else the data's first and last bar. */
  readonly periodStart: number;
  readonly periodEnd: number;
}

export interface WriterOptions {
  readonly runId: string;
  readonly persistTrades: boolean;
  /** Result rows per transaction (config engine.db_batch_size). */
  readonly batchRows: number;
  /** probe_strategies ids and versions by strategy name. */
  readonly strategyIds: ReadonlyMap<string, { id: number; version: number }>;
  /** Batches written at once, each on its own connection. */
  readonly concurrency?: number;
}

export interface WriteStats {
  combinations: number;
  resultRows: number;
  trades: number;
  /** Each committed batch: result rows and milliseconds from BEGIN to COMMIT. */
  batches: { rows: number; ms: number }[];
}

const iso = (ms: number): string => new Date(ms).toISOString();
const day = (ms: number): string => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);

/**
 * Streams finished combinations to strategy_probe_results (and, asked to,
 * strategy_probe_trades) in batches. A batch is one transaction holding
 * whole combinations: results are COPYed into a staging table, inserted with
 * ON CONFLICT ON CONSTRAINT uq_probe_result_dimensions DO NOTHING, and the
 * trades of the rows actually inserted are COPYed linked to their ids. A
 * crash therefore never leaves a combination half-written, and a rerun with
 * the same run id can skip what is stored.
 */
export class ResultWriter {
  readonly stats: WriteStats = { combinations: 0, resultRows: 0, trades: 0, batches: [] };
  private pending: { context: WriteContext; combination: Combination }[] = [];
  private pendingRows = 0;
  private readonly writing = new Set<Promise<void>>();
  private readonly waiters: (() => void)[] = [];
  private failure: unknown;
  /** Connections that already hold the staging table (it lives as long as the session). */
  private readonly staged = new WeakSet<PoolClient>();

  constructor(
    private readonly pool: Pool,
    private readonly options: WriterOptions,
  ) {}

  add(context: WriteContext, combinations: readonly Combination[]): void {
    for (const combination of combinations) {
      this.pending.push({ context, combination });
      this.pendingRows += Math.max(1, combination.rowCount);
    }
    if (this.pendingRows >= this.options.batchRows) this.flush();
  }

  /** Writes what is pending and waits for every batch; rethrows the first failure. */
  async finish(): Promise<WriteStats> {
    this.flush();
    while (this.writing.size > 0) await Promise.all(this.writing);
    if (this.failure !== undefined) throw this.failure;
    return this.stats;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingRows = 0;
    const write = this.whenFree()
      .then(async () => {
        if (this.failure === undefined) await this.writeBatch(batch);
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.writing.delete(write);
        this.waiters.shift()?.();
      });
    this.writing.add(write);
  }

  /** Batches hold whole combinations, so several may be written at once and commit in any order. */
  private whenFree(): Promise<void> {
    const limit = this.options.concurrency ?? 2;
    if (this.writing.size < limit) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private async writeBatch(batch: readonly { context: WriteContext; combination: Combination }[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      const started = performance.now();
      await client.query('BEGIN');
      // a commit lost with the server itself is recomputed by resuming the run; atomicity is unaffected
      await client.query('SET LOCAL synchronous_commit TO off');
      const { ids, inserted } = await this.insertResults(client, batch);
      const trades = this.options.persistTrades ? await this.insertTrades(client, batch, ids) : 0;
      await client.query('COMMIT');
      this.stats.trades += trades;
      this.stats.combinations += batch.length;
      this.stats.resultRows += inserted;
      this.stats.batches.push({ rows: inserted, ms: performance.now() - started });
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  /** Inserts the batch's rows; returns how many were new and, when trades follow, their ids by dimensions. */
  private async insertResults(
    client: PoolClient,
    batch: readonly { context: WriteContext; combination: Combination }[],
  ): Promise<{ ids: Map<string, number>; inserted: number }> {
    if (!this.staged.has(client)) {
      // created once per connection and emptied by every commit: no catalog churn per batch
      await client.query(`CREATE TEMP TABLE IF NOT EXISTS probe_results_staging (
        seq INTEGER, run_id VARCHAR(50), symbol VARCHAR(20), strategy_id INTEGER, strategy_version INTEGER,
        period_start TIMESTAMPTZ, period_end TIMESTAMPTZ, timeframe VARCHAR(10), risk_profile VARCHAR(10),
        open_day DATE, open_hour INTEGER, long_short VARCHAR(5), num_trades INTEGER, pnl_mean DOUBLE PRECISION,
        pnl_std DOUBLE PRECISION, max_drawdown DOUBLE PRECISION, max_profit DOUBLE PRECISION
      ) ON COMMIT DELETE ROWS`);
      this.staged.add(client);
    }
    let seq = 0;
    const rows = function* (this: ResultWriter): Generator<(string | number)[]> {
      for (const { context, combination } of batch) {
        const strategy = this.strategyId(combination.strategy.name);
        for (const r of combination.rows()) {
          yield [
            seq++, context.runId, context.symbol.toUpperCase(), strategy.id, combination.strategy.version, iso(context.periodStart),
            iso(context.periodEnd), combination.timeframe, combination.profile, day(r.openDay * DAY_MS), r.openHour, r.longShort,
            r.numTrades, r.pnlMean, r.pnlStd, r.maxDrawdown, r.maxProfit,
          ];
        }
      }
    }.call(this);
    await copyRows(client, 'probe_results_staging', ['seq', ...RESULT_COLUMNS], rows);
    const columns = RESULT_COLUMNS.join(', ');
    // the inserted rows' ids are needed only to link trades to them
    const returning = this.options.persistTrades
      ? `RETURNING id, concat_ws('|', symbol, strategy_id, timeframe, risk_profile, open_day::text, open_hour, long_short) AS key`
      : '';
    const inserted = await client.query<{ id: number; key: string }>(
      `INSERT INTO strategy_probe_results (${columns})
       SELECT ${columns} FROM probe_results_staging ORDER BY seq
       ON CONFLICT ON CONSTRAINT uq_probe_result_dimensions DO NOTHING ${returning}`,
    );
    return { ids: new Map(inserted.rows.map((r) => [r.key, r.id])), inserted: inserted.rowCount ?? 0 };
  }

  private async insertTrades(
    client: PoolClient,
    batch: readonly { context: WriteContext; combination: Combination }[],
    ids: ReadonlyMap<string, number>,
  ): Promise<number> {
    let count = 0;
    const rows = function* (this: ResultWriter): Generator<(string | number)[]> {
      for (const { context, combination } of batch) {
        const { series, strategy, profile } = combination;
        const symbol = context.symbol.toUpperCase();
        const strategyId = this.strategyId(strategy.name).id;
        for (const trade of combination.trades()) {
          const opened = series.time[trade.entryIndex]!;
          const hourKey = Math.floor(opened / HOUR_MS);
          const direction = sideName(trade.side);
          const key = [symbol, strategyId, combination.timeframe, profile, day(opened), hourKey - Math.floor(opened / DAY_MS) * 24, direction].join('|');
          const resultId = ids.get(key);
          // rows another writer stored first keep that writer's trades
          if (resultId === undefined) continue;
          count++;
          yield [
            resultId, symbol, iso(opened), iso(series.time[trade.exitIndex]!), direction,
            entryJustification(trade, strategy, profile, series), exitJustification(trade, series.columns.close![trade.exitIndex]!),
            trade.pnlPct * trade.entryPrice, trade.pnlPct, trade.barsHeld, trade.maxDrawdownPct, trade.maxProfitPct, trade.pnlStd,
          ];
        }
      }
    }.call(this);
    await copyRows(client, 'strategy_probe_trades', TRADE_COLUMNS, rows);
    // counted only once the transaction commits
    return count;
  }

  private strategyId(name: string): { id: number; version: number } {
    const found = this.options.strategyIds.get(name);
    if (!found) throw new Error(`strategy ${name} is not in probe_strategies`);
    return found;
  }
}

/** Combinations of a run already stored: "symbol|strategy_id|timeframe|risk_profile". */
export async function storedCombinations(pool: Pool, runId: string): Promise<Set<string>> {
  const result = await pool.query<{ key: string }>(
    `SELECT DISTINCT concat_ws('|', symbol, strategy_id, timeframe, risk_profile) AS key
     FROM strategy_probe_results WHERE run_id = $1`,
    [runId],
  );
  return new Set(result.rows.map((r) => r.key));
}
