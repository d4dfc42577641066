import type { Series } from '../registry/compiled.js';

/** A strategy's input: bars and indicators of one (symbol, timeframe), plus bar times. */
export interface BarSeries extends Series {
  /** UTC epoch milliseconds of each bar. */
  readonly time: Float64Array;
}
