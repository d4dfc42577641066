/**
 * Every bar series lives in a SharedArrayBuffer so that worker threads read
 * the very same memory the main thread filled: no copy per worker.
 */
export function newColumn(length: number, fill = Number.NaN): Float64Array {
  const column = new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  if (fill !== 0) column.fill(fill);
  return column;
}
