import { type ResultRow, aggregateTrades } from '../aggregate/aggregate.js';
import { type Signals, runEngine } from '../engine/engine.js';
import type { RiskProfile } from '../engine/risk-profiles.js';
import type { Trade } from '../engine/trade.js';
import type { BarSeries } from '../strategy/bar-series.js';
import type { CompiledStrategy } from '../strategy/compiled.js';

export interface ProfileRun {
  readonly profile: RiskProfile;
  readonly trades: Trade[];
  readonly rows: ResultRow[];
}

/** Reusable signal buffers, so a worker allocates them once per series length. */
export class SignalBuffers implements Signals {
  entryLong: Uint8Array;
  entryShort: Uint8Array;
  exitLong: Uint8Array;
  exitShort: Uint8Array;

  constructor(length: number) {
    this.entryLong = new Uint8Array(length);
    this.entryShort = new Uint8Array(length);
    this.exitLong = new Uint8Array(length);
    this.exitShort = new Uint8Array(length);
  }

  static ensure(buffers: SignalBuffers | undefined, length: number): SignalBuffers {
    return buffers && buffers.entryLong.length === length ? buffers : new SignalBuffers(length);
  }
}

/**
 * One strategy over one series for several risk profiles. The signals do
 * not depend on the profile, so they are evaluated once and shared.
 */
export function runStrategy(
  series: BarSeries,
  strategy: CompiledStrategy,
  profiles: readonly RiskProfile[],
  buffers = new SignalBuffers(series.length),
): ProfileRun[] {
  const missing = strategy.columns.filter((c) => series.columns[c] === undefined);
  if (missing.length > 0) throw new Error(`strategy ${strategy.id} ${strategy.name} needs columns that were not computed: ${missing.join(', ')}`);
  strategy.entryLong(series, buffers.entryLong);
  strategy.entryShort(series, buffers.entryShort);
  strategy.exitLong(series, buffers.exitLong);
  strategy.exitShort(series, buffers.exitShort);
  const { open, high, low, close, atr_14: atr } = series.columns as Record<string, Float64Array>;
  const prices = { length: series.length, open: open!, high: high!, low: low!, close: close!, atr: atr! };
  return profiles.map((profile) => {
    const trades = runEngine(prices, buffers, strategy.direction, strategy.exits, profile);
    return { profile, trades, rows: aggregateTrades(trades, series.time) };
  });
}
