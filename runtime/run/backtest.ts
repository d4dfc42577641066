import { performance } from 'node:perf_hooks';
import { ROW_FIELDS, type ResultRow, unpackRows } from '../aggregate/aggregate.js';
import { tradeCount, unpackTrades } from '../engine/trade-log.js';
import { RISK_PROFILES, type RiskProfileName } from '../engine/risk-profiles.js';
import type { Trade } from '../engine/trade.js';
import type { IndicatorEngine } from '../indicators/compute.js';
import type { WorkerPool } from '../pool/pool.js';
import type { CsvDone } from '../pool/protocol.js';
import type { Bars } from '../series/bars.js';
import type { BarSeries } from '../strategy/bar-series.js';
import type { CompiledStrategy } from '../strategy/compiled.js';
import { prepareSeries, withIndicators } from './prepare.js';

export interface Dataset {
  readonly timeframe: string;
  readonly bars: Bars;
  /** Indicator columns already at hand (e.g. stored features); computed when absent. */
  readonly indicators?: ReadonlyMap<string, Float64Array>;
}

export interface BacktestRequest {
  readonly datasets: readonly Dataset[];
  readonly strategies: readonly CompiledStrategy[];
  readonly profiles: readonly RiskProfileName[];
  readonly pool: WorkerPool;
  /** The symbol output rows carry (CSV output only). */
  readonly symbol?: string;
  /** Where computed TA-Lib columns come from (default 'port'); unused for datasets with indicators at hand. */
  readonly indicatorEngine?: IndicatorEngine;
  readonly onProgress?: (done: number, total: number) => void;
  /** Combinations to leave out, e.g. those a resumed run already stored. */
  readonly skip?: (timeframe: string, strategyId: number, profile: RiskProfileName) => boolean;
}

/**
 * One (timeframe, strategy, risk profile) combination's outcome. Trades and
 * rows stay packed as the worker sent them until someone reads them: a
 * results-only run never builds hundreds of thousands of trade objects.
 */
export class Combination {
  constructor(
    readonly timeframe: string,
    readonly series: BarSeries,
    readonly strategy: CompiledStrategy,
    readonly profile: RiskProfileName,
    readonly packedTrades: Float64Array,
    readonly packedRows: Float64Array,
  ) {}

  get tradeCount(): number {
    return tradeCount(this.packedTrades);
  }

  get rowCount(): number {
    return this.packedRows.length / ROW_FIELDS;
  }

  trades(): Trade[] {
    return unpackTrades(this.packedTrades);
  }

  rows(): ResultRow[] {
    return unpackRows(this.packedRows);
  }
}

export interface BacktestTiming {
  /** Main-thread time spent computing indicators. */
  readonly indicatorSeconds: number;
  /** The rest of the wall time: strategies on the pool (overlapping the indicators of later timeframes). */
  readonly engineSeconds: number;
  readonly wallSeconds: number;
}

export interface BacktestResult extends BacktestTiming {
  /** In the reference's order: timeframe as requested, strategy id, profile low/medium/high; skipped ones left out. */
  readonly combinations: Combination[];
}

/** One strategy over one dataset for the wanted profiles: the unit a worker runs. */
interface Task {
  readonly timeframe: string;
  readonly series: BarSeries;
  readonly datasetId: number;
  readonly strategy: CompiledStrategy;
  readonly profiles: readonly RiskProfileName[];
}

/**
 * Every combination on the pool, with each combination's outcome kept
 * packed. For tests, benchmarks and the database path; a CSV run streams
 * instead (backtestCsv).
 */
export async function runBacktest(
  request: BacktestRequest & { readonly onCombinations?: (combinations: readonly Combination[]) => void },
): Promise<BacktestResult> {
  const combinations: Combination[] = [];
  const timing = await runInOrder(
    request,
    (task) => request.pool.run({ datasetId: task.datasetId, strategyId: task.strategy.id, profiles: task.profiles }),
    (task, done) => {
      const finished = task.profiles.map(
        (profile, j) => new Combination(task.timeframe, task.series, task.strategy, profile, done.trades[j]!, done.rows[j]!),
      );
      request.onCombinations?.(finished);
      combinations.push(...finished);
    },
  );
  return { ...timing, combinations };
}

/**
 * Every combination on the pool, each task's trades.csv and results.csv
 * lines formatted by the worker and handed to `write` in the reference's
 * order as soon as all before it are done. Nothing is kept.
 */
export async function backtestCsv(
  request: BacktestRequest & { readonly symbol: string },
  write: (done: CsvDone) => void,
): Promise<BacktestTiming> {
  return runInOrder(
    request,
    (task) => request.pool.runCsv({ datasetId: task.datasetId, strategyId: task.strategy.id, profiles: task.profiles }),
    (_task, done) => write(done),
  );
}

/**
 * Indicators once per timeframe on this thread, then every strategy on the
 * pool. Each timeframe's tasks are queued as soon as its indicators exist,
 * so the workers start on it while the next timeframe is being prepared.
 * Outcomes reach `deliver` in task order (timeframe as requested, strategy
 * id): one that finishes early waits only for those before it, and the
 * pool's bounded queue keeps that wait short.
 */
async function runInOrder<R>(
  request: BacktestRequest,
  run: (task: Task) => Promise<R>,
  deliver: (task: Task, result: R) => void,
): Promise<BacktestTiming> {
  const strategies = [...request.strategies].sort((a, b) => a.id - b.id);
  const profiles = (Object.keys(RISK_PROFILES) as RiskProfileName[]).filter((p) => request.profiles.includes(p));
  const started = performance.now();
  const total = request.datasets.length * strategies.length * profiles.length;
  let done = 0;
  let indicatorMs = 0;
  request.onProgress?.(0, total);
  const ids: number[] = [];
  // finished out of turn, waiting for those before them; null: skipped, nothing to deliver
  const arrived = new Map<number, { task: Task; result: R } | null>();
  let next = 0;
  const finish = (index: number, outcome: { task: Task; result: R } | null): void => {
    arrived.set(index, outcome);
    for (let ready = arrived.get(next); ready !== undefined; ready = arrived.get(next)) {
      arrived.delete(next++);
      if (ready !== null) deliver(ready.task, ready.result);
    }
  };
  try {
    let index = 0;
    const pending = request.datasets.flatMap((dataset) => {
      const before = performance.now();
      const series = dataset.indicators ? withIndicators(dataset.bars, dataset.indicators) : prepareSeries(dataset.bars, strategies, request.indicatorEngine);
      indicatorMs += performance.now() - before;
      const datasetId = request.pool.share(series, { symbol: request.symbol ?? '', timeframe: dataset.timeframe });
      ids.push(datasetId);
      return strategies.map(async (strategy) => {
        const position = index++;
        const wanted = profiles.filter((p) => !request.skip?.(dataset.timeframe, strategy.id, p));
        const task: Task = { timeframe: dataset.timeframe, series, datasetId, strategy, profiles: wanted };
        if (wanted.length === 0) {
          done += profiles.length;
          request.onProgress?.(done, total);
          finish(position, null);
          return;
        }
        const result = await run(task);
        done += profiles.length;
        request.onProgress?.(done, total);
        finish(position, { task, result });
      });
    });
    await Promise.all(pending);
    const wall = (performance.now() - started) / 1000;
    return { indicatorSeconds: indicatorMs / 1000, engineSeconds: wall - indicatorMs / 1000, wallSeconds: wall };
  } finally {
    for (const id of ids) request.pool.forget(id);
  }
}
