import { newColumn } from './column.js';

/** OHLCV bars of one (symbol, timeframe), oldest first, as parallel columns. */
export interface Bars {
  readonly length: number;
  /** UTC epoch milliseconds. */
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export function allocateBars(length: number): Bars {
  return {
    length,
    time: newColumn(length, 0),
    open: newColumn(length, 0),
    high: newColumn(length, 0),
    low: newColumn(length, 0),
    close: newColumn(length, 0),
    volume: newColumn(length, 0),
  };
}
