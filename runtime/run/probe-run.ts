import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { IndicatorEngine } from '../indicators/compute.js';
import type { RiskProfileName } from '../engine/risk-profiles.js';
import { InputError } from '../errors.js';
import type { WorkerPool } from './pool.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import { loadBars, rangeSql, tickerExists } from '../db/bars.js';
import { loadFeatures } from '../db/features.js';
import { type FinishedCombination, ResultWriter, storedCombinations } from '../db/results.js';
import type { StoredStrategies } from '../db/ensure-strategies.js';
import { RUN_COMBINATIONS, ensureTable } from '../db/schema.js';
import { type RunDataset, backtestCopy } from './backtest.js';
import { indicatorsNeeded } from './prepare.js';

export interface ProbeRunRequest {
  readonly symbols: readonly string[];
  readonly timeframes: readonly string[];
  readonly profiles: readonly RiskProfileName[];
  readonly strategies: readonly CompiledStrategy[];
  /** UTC epoch ms bounds of the bars, inclusive; undefined = from the first / to the last bar. */
  readonly start?: number;
  readonly end?: number;
  /** period_start / period_end as stored; default: the bounds, else the data's first and last bar. */
  readonly periodStart?: number;
  readonly periodEnd?: number;
  readonly runId: string;
  readonly persistTrades: boolean;
  readonly batchRows: number;
  /** probe_strategies rows by registry id (ensureStrategies), resolved once for the run. */
  readonly strategyIds: StoredStrategies;
  readonly indicatorEngine?: IndicatorEngine;
  /** Where missing indicators are computed (see BacktestRequest); the service keeps its thread free with 'pool'. */
  readonly indicatorsOn?: 'main' | 'pool';
  readonly onProgress?: (done: number, total: number) => void;
  readonly onNote?: (message: string) => void;
}

export interface ProbeRunSummary {
  readonly runId: string;
  /** Combinations run now: not those already stored (resumed), nor those of a timeframe without bars (skipped). */
  readonly combinations: number;
  readonly resumed: number;
  /** Combinations not run because their timeframe has no bars in the range (each such timeframe also gets an onNote). */
  readonly skipped: number;
  readonly resultRows: number;
  /** Trades stored (none unless persistTrades). */
  readonly trades: number;
  /** Trades the engine made in the combinations run now, stored or not. */
  readonly engineTrades: number;
  readonly featuresFromDatabase: number;
  readonly featuresComputed: number;
  readonly seconds: number;
  /** Result rows and milliseconds of each committed write transaction, and whether it met rows stored by another writer. */
  readonly batches: readonly { rows: number; ms: number; conflict: boolean }[];
}

const asDate = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

export function newRunId(): string {
  return randomUUID().slice(0, 8);
}

/**
 * The database path: for each symbol, its bars once per timeframe (stored
 * features when they cover every needed column, else computed), every
 * strategy on the worker pool, results written as they finish. Combinations
 * the run id already stored are skipped, so a rerun resumes.
 */
export async function probeRun(db: Pool, workers: WorkerPool, request: ProbeRunRequest): Promise<ProbeRunSummary> {
  const started = performance.now();
  await checkSymbols(db, request);
  await ensureTable(db, RUN_COMBINATIONS);
  const done = await storedCombinations(db, request.runId);
  if (request.persistTrades && done.size > 0) await checkTradesStored(db, request);
  const writer = new ResultWriter(db, { runId: request.runId, persistTrades: request.persistTrades, batchRows: request.batchRows });
  const stored = request.strategyIds;
  for (const strategy of request.strategies) {
    if (stored[strategy.id] === undefined) throw new Error(`strategy ${strategy.id} ${strategy.name} is not in probe_strategies`);
  }
  const wanted = indicatorsNeeded(request.strategies);
  const perSymbol = request.timeframes.length * request.strategies.length * request.profiles.length;
  const total = request.symbols.length * perSymbol;
  let ran = 0;
  let resumed = 0;
  let skippedTimeframes = 0;
  let fromDatabase = 0;
  let computed = 0;

  for (const [k, rawSymbol] of request.symbols.entries()) {
    const symbol = rawSymbol.toUpperCase();
    const datasets: RunDataset[] = [];
    for (const timeframe of request.timeframes) {
      const loaded = await loadBars(db, symbol, timeframe, asDate(request.start), asDate(request.end));
      if (loaded.bars.length === 0) {
        request.onNote?.(`no ${timeframe} bars for ${symbol} in the range: skipped`);
        skippedTimeframes++;
        continue;
      }
      const features = await loadFeatures(db, symbol, timeframe, asDate(request.start), asDate(request.end), wanted, loaded.barIds);
      if (features) fromDatabase++;
      else computed++;
      datasets.push({
        timeframe,
        bars: loaded.bars,
        indicators: features,
        periodStart: request.periodStart ?? request.start ?? loaded.bars.time[0]!,
        periodEnd: request.periodEnd ?? request.end ?? loaded.bars.time[loaded.bars.length - 1]!,
      });
    }
    await backtestCopy(
      {
        datasets,
        symbol,
        runId: request.runId,
        stored,
        trades: request.persistTrades,
        strategies: request.strategies,
        profiles: request.profiles,
        pool: workers,
        indicatorEngine: request.indicatorEngine,
        indicatorsOn: request.indicatorsOn,
        skip: (timeframe, strategyId, profile) => {
          const skipped = done.has([symbol, stored[strategyId]!.id, timeframe, profile].join('|'));
          if (skipped) resumed++;
          else ran++;
          return skipped;
        },
        onProgress: (count) => request.onProgress?.(k * perSymbol + count, total),
      },
      (payload, task) => {
        const strategyId = stored[task.strategyId]!.id;
        const finished = task.profiles.map(
          (profile, p): FinishedCombination => ({ symbol, strategyId, timeframe: task.timeframe, profile, trades: payload.profileTrades[p]! }),
        );
        writer.add({ ...payload, finished });
      },
    );
    // the next symbol's engine may run ahead of the database by about one batch per connection, not by a whole symbol
    // after a failed batch, finish() lets the batches still being written settle and rethrows the first failure
    await writer.drained(2 * request.batchRows).catch(() => writer.finish());
  }
  const stats = await writer.finish();
  return {
    runId: request.runId,
    combinations: ran,
    resumed,
    skipped: skippedTimeframes * request.strategies.length * request.profiles.length,
    resultRows: stats.resultRows,
    trades: stats.trades,
    engineTrades: stats.engineTrades,
    featuresFromDatabase: fromDatabase,
    featuresComputed: computed,
    seconds: (performance.now() - started) / 1000,
    batches: stats.batches,
  };
}

/**
 * Resuming skips the combinations the run id already stored, trades and
 * all: when they were stored without their trades (the run was started
 * without --persist-trades), resuming with --persist-trades would store the
 * trades of the remaining combinations only, a run with part of its trades.
 * Such a resume is refused before any work. Only the requested symbols and
 * timeframes count, as only their combinations would be skipped.
 */
async function checkTradesStored(db: Pool, request: ProbeRunRequest): Promise<void> {
  const found = await db.query<{ missing: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM strategy_probe_results r
       WHERE r.run_id = $1 AND r.symbol = ANY($2) AND r.timeframe = ANY($3) AND r.num_trades > 0
         AND NOT EXISTS (SELECT 1 FROM strategy_probe_trades t WHERE t.strategy_probe_result_id = r.id)
     ) AS missing`,
    [request.runId, request.symbols.map((s) => s.toUpperCase()), request.timeframes],
  );
  if (found.rows[0]!.missing) {
    throw new InputError([
      `--persist-trades: run ${request.runId} was stored without its trades, and resuming it would store the trades of the ` +
        `remaining combinations only; rerun it with a new --run-id and --persist-trades, or without --persist-trades to resume it`,
    ]);
  }
}

/** Unknown symbols and empty ranges fail before any work starts. */
async function checkSymbols(db: Pool, request: ProbeRunRequest): Promise<void> {
  const problems: string[] = [];
  for (const symbol of request.symbols) {
    if (!(await tickerExists(db, symbol.toUpperCase()))) {
      problems.push(`--symbols: unknown symbol ${JSON.stringify(symbol)}: not in the tickers table (import bars with \`probe db import-bars\`)`);
      continue;
    }
    const values: unknown[] = [symbol.toUpperCase(), request.timeframes];
    const range = rangeSql('b.timestamp', asDate(request.start), asDate(request.end), values);
    const found = await db.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ohlcv_bars b JOIN tickers t ON t.id = b.ticker_id
        WHERE t.symbol = $1 AND b.timeframe = ANY($2)${range}) AS any`,
      values,
    );
    if (!found.rows[0]!.any) problems.push(`no bars for ${symbol.toUpperCase()} in ${request.timeframes.join(', ')} within the requested range`);
  }
  if (request.start !== undefined && request.end !== undefined && request.start > request.end) {
    problems.push(`--start ${new Date(request.start).toISOString()} is after --end ${new Date(request.end).toISOString()}`);
  }
  if (problems.length > 0) throw new InputError(problems);
}
