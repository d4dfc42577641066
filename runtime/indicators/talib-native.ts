/**
 * TA-Lib's own C code, through the npm `talib` addon, called the way the
 * Python wrapper calls it (NaN-prefix rule). It backs the `talib` indicator
 * engine and is the oracle the TypeScript ports are checked against; the
 * ports are the default because the addon copies every input and output
 * element through V8 API calls (about 1 ms per 10k-element series), which
 * alone would use most of the benchmark's budget.
 */
import { createRequire } from 'node:module';
import { firstCompleteIndex } from './talib/prefix.js';

interface ExecuteResult {
  readonly begIndex: number;
  readonly nbElement: number;
  readonly result: Readonly<Record<string, readonly number[] | undefined>>;
}

interface TalibAddon {
  execute(parameters: Readonly<Record<string, unknown>>): ExecuteResult;
  explain(name: string): { readonly outputs: ReadonlyArray<{ readonly name: string; readonly type: string }> };
}

let addon: TalibAddon | undefined;

function talib(): TalibAddon {
  addon ??= createRequire(import.meta.url)('talib') as TalibAddon;
  return addon;
}

export interface NativeCall {
  /** TA-Lib function name, e.g. 'MACD'. */
  readonly name: string;
  /** Addon input field -> series: 'inReal' for real inputs, 'open' ... 'volume' for price inputs. */
  readonly inputs: Readonly<Record<string, Float64Array>>;
  /** optIn* parameters. */
  readonly options?: Readonly<Record<string, number>>;
}

/**
 * Every output of the call by TA-Lib name (outReal, outMACD, outInteger ...),
 * as long as the inputs: NaN before the first output (0 for integer outputs).
 */
export function callTalib(call: NativeCall): Map<string, Float64Array> {
  const series = Object.values(call.inputs);
  const length = series[0]?.length ?? 0;
  const outputs = new Map<string, Float64Array>();
  const begin = firstCompleteIndex(series);
  const parameters: Record<string, unknown> = { name: call.name, startIdx: 0, endIdx: length - begin - 1, ...call.options };
  // The addon reads plain arrays only; a typed array is misread as garbage.
  for (const [field, values] of Object.entries(call.inputs)) parameters[field] = Array.from(values.subarray(begin));
  const { begIndex, nbElement, result } =
    length > 0 ? talib().execute(parameters) : { begIndex: 0, nbElement: 0, result: {} };
  for (const { name, type } of talib().explain(call.name).outputs) {
    const out = new Float64Array(length).fill(type === 'integer' ? 0 : Number.NaN);
    const values = result[name] ?? [];
    for (let k = 0; k < nbElement; k++) out[begin + begIndex + k] = values[k] ?? Number.NaN;
    outputs.set(name, out);
  }
  return outputs;
}
