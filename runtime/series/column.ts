/**
 * Every bar series lives in a SharedArrayBuffer so that worker threads read
 * the very same memory the main thread filled: no copy per worker.
 */
export function newColumn(length: number, fill = Number.NaN): Float64Array {
  const column = new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  if (fill !== 0) column.fill(fill);
  return column;
}

export function sharedCopy(values: ArrayLike<number>): Float64Array {
  const column = newColumn(values.length, 0);
  for (let i = 0; i < values.length; i++) column[i] = values[i];
  return column;
}
