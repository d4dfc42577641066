/**
 * pandas `Series.rolling(window).mean()/.max()/.min()` with the default
 * min_periods (= window), reproduced to the bit: the mean is pandas'
 * roll_mean (pandas/_libs/window/aggregations.pyx), not a plain running sum.
 * These fill the indicator columns (pandas-columns.ts); the compiled
 * strategies' own windows, which sum each slice as numpy does, are
 * runtime/kernels/rolling.ts.
 */

/**
 * roll_mean over fixed windows: Kahan-compensated running sum with separate
 * compensation for additions and removals, NaNs skipped (but counted against
 * min_periods), sign guards, and the exact value returned when the window is
 * one repeated value.
 */
export function pandasRollingMean(values: Float64Array, window: number, out: Float64Array): void {
  const n = values.length;
  let nobs = 0;
  let negatives = 0;
  let sum = 0;
  let addCompensation = 0;
  let removeCompensation = 0;
  // pandas seeds prev_value with the first value of the first window.
  let prevValue = n > 0 ? values[0] : Number.NaN;
  let sameRun = 0;
  for (let i = 0; i < n; i++) {
    if (i >= window) {
      const leaving = values[i - window];
      if (leaving === leaving) {
        nobs--;
        const y = -leaving - removeCompensation;
        const t = sum + y;
        removeCompensation = t - sum - y;
        sum = t;
        if (signbit(leaving)) negatives--;
      }
    }
    const value = values[i];
    if (value === value) {
      nobs++;
      const y = value - addCompensation;
      const t = sum + y;
      addCompensation = t - sum - y;
      sum = t;
      if (signbit(value)) negatives++;
      sameRun = value === prevValue ? sameRun + 1 : 1;
      prevValue = value;
    }
    out[i] = meanOf(nobs, window, negatives, sum, sameRun, prevValue);
  }
}

function meanOf(nobs: number, minPeriods: number, negatives: number, sum: number, sameRun: number, prevValue: number): number {
  if (nobs < minPeriods || nobs === 0) return Number.NaN;
  if (sameRun >= nobs) return prevValue;
  const mean = sum / nobs;
  if (negatives === 0 && mean < 0) return 0;
  if (negatives === nobs && mean > 0) return 0;
  return mean;
}

/** C signbit: true for negative numbers and -0. */
function signbit(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/**
 * Rolling maximum (`sign` 1) or minimum (`sign` -1) of a window that must be
 * full and NaN-free (pandas' min_periods = window), else NaN. The extreme's
 * index is kept and the window rescanned only when that index leaves it, as
 * TA-Lib does; the value returned is exact either way.
 */
function rollingExtreme(values: Float64Array, window: number, sign: 1 | -1, out: Float64Array): void {
  let nans = 0;
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value !== value) nans++;
    if (i >= window && values[i - window] !== values[i - window]) nans--;
    if (i < window - 1 || nans > 0) {
      out[i] = Number.NaN;
      best = -1; // values skipped here were never compared: rescan next time
      continue;
    }
    const start = i - window + 1;
    if (best < start) {
      best = start;
      for (let j = start + 1; j <= i; j++) if (sign * values[j] >= sign * values[best]) best = j;
    } else if (sign * value >= sign * values[best]) {
      best = i;
    }
    out[i] = values[best];
  }
}

export function pandasRollingMax(values: Float64Array, window: number, out: Float64Array): void {
  rollingExtreme(values, window, 1, out);
}

export function pandasRollingMin(values: Float64Array, window: number, out: Float64Array): void {
  rollingExtreme(values, window, -1, out);
}
