import type { Bars } from '../series/bars.js';
import type { IndicatorColumn } from './catalog.js';

/** What a producer may read: the bars, other indicator columns (computed on demand), shared intermediates. */
export interface Sources {
  readonly bars: Bars;
  column(name: IndicatorColumn): Float64Array;
  /** An intermediate shared by several producers, made on first use in this run. */
  shared<T>(key: string, make: () => T): T;
}

/** Computes one or more columns together (e.g. the three MACD lines come from one TA-Lib call). */
export interface Producer {
  readonly columns: readonly IndicatorColumn[];
  produce(sources: Sources): Partial<Record<IndicatorColumn, Float64Array>>;
}

export function producer<const C extends readonly IndicatorColumn[]>(
  columns: C,
  produce: (sources: Sources) => Record<C[number], Float64Array>,
): Producer {
  return { columns, produce };
}

/** A producer of one column. */
export function single(name: IndicatorColumn, compute: (sources: Sources) => Float64Array): Producer {
  return { columns: [name], produce: (sources) => ({ [name]: compute(sources) }) };
}
