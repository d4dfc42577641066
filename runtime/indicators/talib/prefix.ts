/**
 * The Python TA-Lib wrapper skips the leading stretch where any input is NaN:
 * it calls the C function on the arrays from the first index where every
 * input is a number, and leaves everything before that index plus the
 * function's lookback at NaN (0 for integer outputs). The kernels in this
 * folder are faithful to the C functions called from index 0, so callers run
 * them on `slice(begin)` views of inputs and outputs.
 */

/**
 * First index at which every input is non-NaN. Like the wrapper, an input that
 * is NaN throughout yields the last index, so the C function still sees one
 * (NaN) element.
 */
export function firstCompleteIndex(inputs: readonly Float64Array[]): number {
  const length = inputs[0]?.length ?? 0;
  outer: for (let i = 0; i < length; i++) {
    for (const input of inputs) if (input[i] !== input[i]) continue outer;
    return i;
  }
  return Math.max(0, length - 1);
}

/** A view from `begin` on, sharing memory (no copy). */
export function from(column: Float64Array, begin: number): Float64Array {
  return begin === 0 ? column : column.subarray(begin);
}

/** Maps a column to its view from the first index where all `inputs` are numbers. */
export type SpanView = (column: Float64Array) => Float64Array;

export function validSpan(...inputs: Float64Array[]): SpanView {
  const begin = firstCompleteIndex(inputs);
  return (column) => from(column, begin);
}
