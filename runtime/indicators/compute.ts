import type { Bars } from '../series/bars.js';
import { canonicalColumn, INDICATOR_COLUMNS, type IndicatorColumn } from './catalog.js';
import { PANDAS_PRODUCERS } from './pandas-columns.js';
import type { Producer, Sources } from './producer.js';
import { TALIB_PRODUCERS } from './talib-columns.js';

const PRODUCER_OF: ReadonlyMap<IndicatorColumn, Producer> = (() => {
  const map = new Map<IndicatorColumn, Producer>();
  for (const producer of [...TALIB_PRODUCERS, ...PANDAS_PRODUCERS]) {
    for (const column of producer.columns) map.set(column, producer);
  }
  const missing = INDICATOR_COLUMNS.filter((column) => !map.has(column));
  if (missing.length > 0) throw new Error(`No producer for indicator columns: ${missing.join(', ')}`);
  return map;
})();

/** One computation run: columns are produced on first request, so dependencies are computed once. */
class Run implements Sources {
  private readonly columns = new Map<IndicatorColumn, Float64Array>();
  private readonly intermediates = new Map<string, unknown>();

  constructor(readonly bars: Bars) {}

  column(name: IndicatorColumn): Float64Array {
    const known = this.columns.get(name);
    if (known) return known;
    const producer = PRODUCER_OF.get(name);
    if (!producer) throw new Error(`No producer for indicator column '${name}'`);
    const produced = producer.produce(this);
    for (const column of producer.columns) {
      const values = produced[column];
      if (!values) throw new Error(`Producer of '${name}' did not produce '${column}'`);
      this.columns.set(column, values);
    }
    return this.columns.get(name) as Float64Array;
  }

  shared<T>(key: string, make: () => T): T {
    if (!this.intermediates.has(key)) this.intermediates.set(key, make());
    return this.intermediates.get(key) as T;
  }
}

/**
 * Computes the requested indicator columns (reference names or their
 * aliases) and whatever they depend on, each exactly as the Python reference
 * calculator does. The result is keyed by the names as requested. Throws on
 * an unknown name before computing anything.
 */
export function computeIndicators(bars: Bars, wanted: Iterable<string>): Map<string, Float64Array> {
  const requests: Array<[string, IndicatorColumn]> = [];
  for (const name of wanted) {
    const column = canonicalColumn(name);
    if (column === undefined) throw new Error(`Unknown indicator column '${name}'`);
    requests.push([name, column]);
  }
  const run = new Run(bars);
  const result = new Map<string, Float64Array>();
  for (const [name, column] of requests) result.set(name, run.column(column));
  return result;
}
