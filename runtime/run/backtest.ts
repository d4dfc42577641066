import { performance } from 'node:perf_hooks';
import { ROW_FIELDS, type ResultRow, unpackRows } from '../engine/aggregate.js';
import { tradeCount, unpackTrades } from '../engine/trade-log.js';
import { RISK_PROFILES, type RiskProfileName } from '../engine/risk-profiles.js';
import type { Trade } from '../engine/trade.js';
import type { IndicatorEngine } from '../indicators/compute.js';
import type { WorkerPool } from './pool.js';
import type { StoredStrategy } from '../output/copy-rows.js';
import type { CopyDone, CsvDone, DatasetMessage } from './protocol.js';
import type { Bars } from '../series/bars.js';
import type { BarSeries } from '../series/bar-series.js';
import type { CompiledStrategy } from '../registry/compiled.js';
import { indicatorsNeeded, prepareSeries, withIndicators } from './prepare.js';

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
  /**
   * Where missing indicators are computed: on this thread (default; the CLI's
   * is free while the workers start), or on the pool (the service's thread
   * serves HTTP and must not block).
   */
  readonly indicatorsOn?: 'main' | 'pool';
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
  /** Time spent waiting for indicators (computed on this thread, or on the pool). */
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
export async function runBacktest(request: BacktestRequest): Promise<BacktestResult> {
  const combinations: Combination[] = [];
  const timing = await runInOrder(
    request,
    () => ({ symbol: request.symbol ?? '' }),
    (task) => request.pool.run({ datasetId: task.datasetId, strategyId: task.strategy.id, profiles: task.profiles }),
    (task, done) => {
      combinations.push(
        ...task.profiles.map((profile, j) => new Combination(task.timeframe, task.series, task.strategy, profile, done.trades[j]!, done.rows[j]!)),
      );
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
    () => ({ symbol: request.symbol }),
    (task) => request.pool.runCsv({ datasetId: task.datasetId, strategyId: task.strategy.id, profiles: task.profiles }),
    (_task, done) => write(done),
  );
}

/** A dataset of a database run, with the period its rows record (UTC epoch ms). */
export interface RunDataset extends Dataset {
  readonly periodStart: number;
  readonly periodEnd: number;
}

export interface CopyRequest extends BacktestRequest {
  readonly datasets: readonly RunDataset[];
  readonly symbol: string;
  readonly runId: string;
  /** probe_strategies rows by registry id (ensureStrategies). */
  readonly stored: readonly (StoredStrategy | undefined)[];
  readonly trades: boolean;
}

/**
 * Every combination on the pool, each task's strategy_probe_results rows
 * (and trades, if asked) formatted as COPY text by the worker and handed
 * to `write` in the reference's order as soon as all before it are done.
 * Nothing is kept.
 */
export async function backtestCopy(
  request: CopyRequest,
  write: (done: CopyDone, task: { readonly timeframe: string; readonly strategyId: number; readonly profiles: readonly RiskProfileName[] }) => void,
): Promise<BacktestTiming> {
  return runInOrder(
    request,
    ({ periodStart, periodEnd }) => ({ symbol: request.symbol, run: { runId: request.runId, periodStart, periodEnd } }),
    (task) => {
      const strategy = request.stored[task.strategy.id];
      if (strategy === undefined) throw new Error(`strategy ${task.strategy.id} ${task.strategy.name} is not in probe_strategies`);
      return request.pool.runCopy({
        datasetId: task.datasetId,
        strategyId: task.strategy.id,
        profiles: task.profiles,
        copy: { strategy, trades: request.trades },
      });
    },
    (task, done) => write(done, { timeframe: task.timeframe, strategyId: task.strategy.id, profiles: task.profiles }),
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
async function runInOrder<R, D extends Dataset>(
  request: BacktestRequest & { readonly datasets: readonly D[] },
  labels: (dataset: D) => Pick<DatasetMessage, 'symbol' | 'run'>,
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
  const pending: Promise<void>[] = [];
  try {
    let index = 0;
    for (const dataset of request.datasets) {
      const before = performance.now();
      const series = await seriesOf(dataset, strategies, request);
      indicatorMs += performance.now() - before;
      const datasetId = request.pool.share(series, { ...labels(dataset), timeframe: dataset.timeframe });
      ids.push(datasetId);
      pending.push(...strategies.map(async (strategy) => {
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
      }));
    }
    await Promise.all(pending);
    const wall = (performance.now() - started) / 1000;
    return { indicatorSeconds: indicatorMs / 1000, engineSeconds: wall - indicatorMs / 1000, wallSeconds: wall };
  } finally {
    // a dataset is forgotten only once no task of it is pending, even when one failed
    await Promise.allSettled(pending);
    for (const id of ids) request.pool.forget(id);
  }
}

/** Bars plus indicators: those at hand, else computed where the request says. */
async function seriesOf(dataset: Dataset, strategies: readonly CompiledStrategy[], request: BacktestRequest): Promise<BarSeries> {
  if (dataset.indicators) return withIndicators(dataset.bars, dataset.indicators);
  if (request.indicatorsOn !== 'pool') return prepareSeries(dataset.bars, strategies, request.indicatorEngine);
  const columns = await request.pool.indicators(dataset.bars, indicatorsNeeded(strategies), request.indicatorEngine ?? 'port');
  return withIndicators(dataset.bars, columns);
}
