import type { Bars } from '../series/bars.js';
import type { IndicatorEngine } from './engines.js';
import { canonicalColumn, INDICATOR_COLUMNS, type IndicatorColumn } from './catalog.js';
import { PANDAS_PRODUCERS } from './pandas-columns.js';
import type { Producer, Sources } from './producer.js';
import { NATIVE_PRODUCERS } from './talib-calls.js';
import { TALIB_PRODUCERS } from './talib-columns.js';

export { INDICATOR_ENGINES, type IndicatorEngine } from './engines.js';

export interface ComputeOptions {
  /** Default 'port'. */
  readonly engine?: IndicatorEngine;
}

function producerMap(producers: readonly Producer[]): ReadonlyMap<IndicatorColumn, Producer> {
  const map = new Map<IndicatorColumn, Producer>();
  for (const producer of producers) {
    for (const column of producer.columns) map.set(column, producer);
  }
  const missing = INDICATOR_COLUMNS.filter((column) => !map.has(column));
  if (missing.length > 0) throw new Error(`No producer for indicator columns: ${missing.join(', ')}`);
  return map;
}

/** Both engines must take the same columns from TA-Lib. */
function sameColumns(ports: readonly Producer[], natives: readonly Producer[]): void {
  const names = (producers: readonly Producer[]) => producers.flatMap((p) => p.columns).sort();
  const [a, b] = [names(ports), names(natives)];
  if (a.join() !== b.join()) throw new Error(`TA-Lib ports produce [${a.join(', ')}] but native calls [${b.join(', ')}]`);
}

const PRODUCERS: Readonly<Record<IndicatorEngine, ReadonlyMap<IndicatorColumn, Producer>>> = (() => {
  sameColumns(TALIB_PRODUCERS, NATIVE_PRODUCERS);
  return {
    port: producerMap([...TALIB_PRODUCERS, ...PANDAS_PRODUCERS]),
    talib: producerMap([...NATIVE_PRODUCERS, ...PANDAS_PRODUCERS]),
  };
})();

/** One computation run: columns are produced on first request, so dependencies are computed once. */
class Run implements Sources {
  private readonly columns = new Map<IndicatorColumn, Float64Array>();
  private readonly intermediates = new Map<string, unknown>();

  constructor(
    readonly bars: Bars,
    private readonly producers: ReadonlyMap<IndicatorColumn, Producer>,
  ) {}

  column(name: IndicatorColumn): Float64Array {
    const known = this.columns.get(name);
    if (known) return known;
    const producer = this.producers.get(name);
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
 * calculator does, with the chosen engine for the TA-Lib columns. The result
 * is keyed by the names as requested; every column is SharedArrayBuffer-backed.
 * Throws on an unknown name or engine before computing anything.
 */
export function computeIndicators(
  bars: Bars,
  wanted: Iterable<string>,
  options: ComputeOptions = {},
): Map<string, Float64Array> {
  const engine = options.engine ?? 'port';
  if (!Object.hasOwn(PRODUCERS, engine)) throw new Error(`Unknown indicator engine '${String(engine)}'`);
  const requests: Array<[string, IndicatorColumn]> = [];
  for (const name of wanted) {
    const column = canonicalColumn(name);
    if (column === undefined) throw new Error(`Unknown indicator column '${name}'`);
    requests.push([name, column]);
  }
  const run = new Run(bars, PRODUCERS[engine]);
  const result = new Map<string, Float64Array>();
  for (const [name, column] of requests) result.set(name, run.column(column));
  return result;
}
