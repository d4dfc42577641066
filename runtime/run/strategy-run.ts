import { Aggregator } from '../engine/aggregate.js';
import { type Signals, runEngineInto } from '../engine/engine.js';
import { ExitManager } from '../engine/exit-manager.js';
import type { RiskProfile } from '../engine/risk-profiles.js';
import { TradeLog } from '../engine/trade-log.js';
import type { BarSeries } from '../series/bar-series.js';
import type { CompiledStrategy } from '../registry/compiled.js';

/** One profile's outcome, packed (see TradeLog and ROW_FIELDS). */
export interface ProfileRun {
  readonly profile: RiskProfile;
  readonly trades: Float64Array;
  readonly rows: Float64Array;
}

/** What a worker keeps from task to task, so a task allocates next to nothing. */
export class RunBuffers implements Signals {
  readonly entryLong: Uint8Array;
  readonly entryShort: Uint8Array;
  readonly exitLong: Uint8Array;
  readonly exitShort: Uint8Array;
  readonly log = new TradeLog();
  readonly aggregator = new Aggregator();

  constructor(readonly length: number) {
    this.entryLong = new Uint8Array(length);
    this.entryShort = new Uint8Array(length);
    this.exitLong = new Uint8Array(length);
    this.exitShort = new Uint8Array(length);
  }

  static ensure(buffers: RunBuffers | undefined, length: number): RunBuffers {
    return buffers && buffers.length === length ? buffers : new RunBuffers(length);
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
  buffers = new RunBuffers(series.length),
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
    buffers.log.clear();
    runEngineInto(prices, buffers, strategy.direction, new ExitManager(strategy.exits, profile, series.length), buffers.log);
    const rows = buffers.aggregator.aggregate(buffers.log.data, buffers.log.count, series.time);
    return { profile, trades: buffers.log.packed(), rows };
  });
}
