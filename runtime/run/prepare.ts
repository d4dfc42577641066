import { BAR_COLUMNS } from '../indicators/catalog.js';
import { computeIndicators, type IndicatorEngine } from '../indicators/compute.js';
import type { Bars } from '../series/bars.js';
import type { BarSeries } from '../series/bar-series.js';
import type { CompiledStrategy } from '../registry/compiled.js';

const BAR_NAMES: ReadonlySet<string> = new Set(BAR_COLUMNS);

/** Every indicator column the given strategies read, once. */
export function indicatorsNeeded(strategies: readonly CompiledStrategy[]): string[] {
  const wanted = new Set<string>(['atr_14']);
  for (const s of strategies) for (const c of s.columns) if (!BAR_NAMES.has(c)) wanted.add(c);
  return [...wanted].sort();
}

/** Bars plus the indicators the strategies need, computed once per (symbol, timeframe) with `engine`. */
export function prepareSeries(bars: Bars, strategies: readonly CompiledStrategy[], engine: IndicatorEngine = 'port'): BarSeries {
  const indicators = computeIndicators(bars, indicatorsNeeded(strategies), { engine });
  return withIndicators(bars, indicators);
}

export function withIndicators(bars: Bars, indicators: ReadonlyMap<string, Float64Array>): BarSeries {
  const columns: Record<string, Float64Array> = {
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
  };
  for (const [name, column] of indicators) columns[name] = column;
  return { length: bars.length, time: bars.time, columns };
}
