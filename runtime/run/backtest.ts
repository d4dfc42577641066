import { performance } from 'node:perf_hooks';
import { ROW_FIELDS, type ResultRow, unpackRows } from '../aggregate/aggregate.js';
import { tradeCount, unpackTrades } from '../engine/trade-log.js';
import { RISK_PROFILES, type RiskProfileName } from '../engine/risk-profiles.js';
import type { Trade } from '../engine/trade.js';
import type { IndicatorEngine } from '../indicators/compute.js';
import type { WorkerPool } from '../pool/pool.js';
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
  /** Where computed TA-Lib columns come from (default 'port'); unused for datasets with indicators at hand. */
  readonly indicatorEngine?: IndicatorEngine;
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with each strategy's combinations as soon as they are done (e.g. to write them). */
  readonly onCombinations?: (combinations: readonly Combination[]) => void;
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
    private readonly packedTrades: Float64Array,
    private readonly packedRows: Float64Array,
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

export interface BacktestResult {
  /** In the reference's order: timeframe as requested, strategy id, profile low/medium/high; skipped ones left out. */
  readonly combinations: Combination[];
  /** Main-thread time spent computing indicators. */
  readonly indicatorSeconds: number;
  /** The rest of the wall time: strategies on the pool (overlapping the indicators of later timeframes). */
  readonly engineSeconds: number;
  readonly wallSeconds: number;
}

/**
 * Indicators once per timeframe on this thread, then every strategy on the
 * pool. Each timeframe's tasks are queued as soon as its indicators exist,
 * so the workers start on it while the next timeframe is being prepared.
 */
export async function runBacktest(request: BacktestRequest): Promise<BacktestResult> {
  const strategies = [...request.strategies].sort((a, b) => a.id - b.id);
  const profiles = (Object.keys(RISK_PROFILES) as RiskProfileName[]).filter((p) => request.profiles.includes(p));
  const started = performance.now();
  const total = request.datasets.length * strategies.length * profiles.length;
  let done = 0;
  let indicatorMs = 0;
  request.onProgress?.(0, total);
  const ids: number[] = [];
  try {
    const tasks = request.datasets.flatMap((dataset) => {
      const before = performance.now();
      const series = dataset.indicators ? withIndicators(dataset.bars, dataset.indicators) : prepareSeries(dataset.bars, strategies, request.indicatorEngine);
      indicatorMs += performance.now() - before;
      const datasetId = request.pool.share(series);
      ids.push(datasetId);
      return strategies.map(async (strategy) => {
        const wanted = profiles.filter((p) => !request.skip?.(dataset.timeframe, strategy.id, p));
        const skipped = profiles.length - wanted.length;
        if (wanted.length === 0) {
          done += skipped;
          request.onProgress?.(done, total);
          return [];
        }
        const result = await request.pool.run({ datasetId, strategyId: strategy.id, profiles: wanted });
        done += profiles.length;
        request.onProgress?.(done, total);
        const finished = wanted.map(
          (profile, j) => new Combination(dataset.timeframe, series, strategy, profile, result.trades[j]!, result.rows[j]!),
        );
        request.onCombinations?.(finished);
        return finished;
      });
    });
    const combinations = (await Promise.all(tasks)).flat();
    const wall = (performance.now() - started) / 1000;
    return { combinations, indicatorSeconds: indicatorMs / 1000, engineSeconds: wall - indicatorMs / 1000, wallSeconds: wall };
  } finally {
    for (const id of ids) request.pool.forget(id);
  }
}
