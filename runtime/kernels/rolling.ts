import { pairwiseSum } from './numpy.js';

/**
 * Rolling windows of the expression form. A window is the `window` values
 * ending at each bar; mean, min and max are NaN while the window is
 * incomplete or holds a NaN, as the reference's closures return.
 */
export function rollingMean(values: Float64Array, window: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let lastNaN = -1;
  for (let j = 0; j < values.length; j++) {
    if (Number.isNaN(values[j])) lastNaN = j;
    const start = j - window + 1;
    // pandas' Series.mean() of a slice: numpy's pairwise sum over the window
    if (start >= 0 && lastNaN < start) out[j] = (0 + pairwiseSum(values, start, window)) / window;
  }
  return out;
}

export function rollingMin(values: Float64Array, window: number): Float64Array {
  return rollingExtreme(values, window, -1);
}

export function rollingMax(values: Float64Array, window: number): Float64Array {
  return rollingExtreme(values, window, 1);
}

function rollingExtreme(values: Float64Array, window: number, sign: 1 | -1): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  let lastNaN = -1;
  for (let j = 0; j < values.length; j++) {
    if (Number.isNaN(values[j])) lastNaN = j;
    const start = j - window + 1;
    if (start < 0 || lastNaN >= start) continue;
    let best = values[start];
    for (let k = start + 1; k <= j; k++) {
      const v = values[k];
      if (sign > 0 ? v > best : v < best) best = v;
    }
    out[j] = best;
  }
  return out;
}

/**
 * numpy's `percentile(window, q)` (linear method) over the non-NaN values
 * among the last `window` bars (fewer at the start of the series); NaN when
 * fewer than `minCount` remain. A sorted copy of the window slides along.
 */
export function rollingPercentile(values: Float64Array, window: number, q: number, minCount: number): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  const sorted = new Float64Array(window);
  let size = 0;
  const quantile = q / 100;
  for (let j = 0; j < values.length; j++) {
    const leaving = j - window;
    if (leaving >= 0 && !Number.isNaN(values[leaving])) {
      const at = lowerBound(sorted, size, values[leaving]);
      sorted.copyWithin(at, at + 1, size);
      size--;
    }
    const entering = values[j];
    if (!Number.isNaN(entering)) {
      const at = lowerBound(sorted, size, entering);
      sorted.copyWithin(at + 1, at, size);
      sorted[at] = entering;
      size++;
    }
    if (size >= minCount && size > 0) out[j] = linearPercentile(sorted, size, quantile);
  }
  return out;
}

function lowerBound(sorted: Float64Array, size: number, value: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * numpy's `_quantile` with the linear method: `_get_indexes` clamps both
 * neighbours to the last element (index -1) when the virtual index is at or
 * past n-1, and to the first when below 0; `_get_gamma` is the virtual index
 * minus that (clamped) previous index; then `_lerp` interpolates anyway, so
 * an infinite end value gives inf - inf = NaN, as numpy does.
 */
export function linearPercentile(sorted: Float64Array, size: number, quantile: number): number {
  const virtual = (size - 1) * quantile;
  let previous: number;
  let next: number;
  let gamma: number;
  if (virtual >= size - 1) {
    previous = next = size - 1;
    gamma = virtual - -1;
  } else if (virtual < 0) {
    previous = next = 0;
    gamma = virtual - 0;
  } else {
    previous = Math.floor(virtual);
    next = previous + 1;
    gamma = virtual - previous;
  }
  const a = sorted[previous];
  const b = sorted[next];
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}
