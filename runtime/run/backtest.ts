import { performance } from 'node:perf_hooks';
import type { ResultRow } from '../aggregate/aggregate.js';
import { RISK_PROFILES, type RiskProfileName } from '../engine/risk-profiles.js';
import type { Trade } from '../engine/trade.js';
import { unpackRows, unpackTrades } from '../pool/packing.js';
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
  readonly onProgress?: (done: number, total: number) => void;
}

/** One (timeframe, strategy, risk profile) combination's outcome. */
export interface Combination {
  readonly timeframe: string;
  readonly series: BarSeries;
  readonly strategy: CompiledStrategy;
  readonly profile: RiskProfileName;
  readonly trades: Trade[];
  readonly rows: ResultRow[];
}

export interface BacktestResult {
  /** In the reference's order: timeframe as requested, strategy id, profile low/medium/high. */
  readonly combinations: Combination[];
  readonly indicatorSeconds: number;
  readonly engineSeconds: number;
}

/** Indicators once per timeframe on this thread, then every strategy on the pool. */
export async function runBacktest(request: BacktestRequest): Promise<BacktestResult> {
  const strategies = [...request.strategies].sort((a, b) => a.id - b.id);
  const profiles = (Object.keys(RISK_PROFILES) as RiskProfileName[]).filter((p) => request.profiles.includes(p));
  const started = performance.now();
  const prepared = request.datasets.map((d) => ({
    dataset: d,
    series: d.indicators ? withIndicators(d.bars, d.indicators) : prepareSeries(d.bars, strategies),
  }));
  const indicatorsDone = performance.now();

  const total = prepared.length * strategies.length * profiles.length;
  let done = 0;
  request.onProgress?.(0, total);
  const ids = prepared.map((p) => request.pool.share(p.series));
  try {
    const tasks = prepared.flatMap((p, k) =>
      strategies.map(async (strategy) => {
        const result = await request.pool.run({ datasetId: ids[k]!, strategyId: strategy.id, profiles });
        done += profiles.length;
        request.onProgress?.(done, total);
        return profiles.map(
          (profile, j): Combination => ({
            timeframe: p.dataset.timeframe,
            series: p.series,
            strategy,
            profile,
            trades: unpackTrades(result.trades[j]!),
            rows: unpackRows(result.rows[j]!),
          }),
        );
      }),
    );
    const combinations = (await Promise.all(tasks)).flat();
    return {
      combinations,
      indicatorSeconds: (indicatorsDone - started) / 1000,
      engineSeconds: (performance.now() - indicatorsDone) / 1000,
    };
  } finally {
    for (const id of ids) request.pool.forget(id);
  }
}
