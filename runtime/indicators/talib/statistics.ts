/**
 * Bollinger bands, standard deviation and linear-regression slope, ported
 * from TA-Lib 0.6 C. Same conventions as averages.ts.
 */
import { sma } from './averages.js';

/**
 * TA_BBANDS with a simple moving average: the deviation comes from a running
 * sum of squares minus the squared average (TA_INT_stddev_using_precalc_ma).
 */
export function bbands(
  real: Float64Array,
  period: number,
  devUp: number,
  devDown: number,
  outUpper: Float64Array,
  outMiddle: Float64Array,
  outLower: Float64Array,
): void {
  const n = real.length;
  const startIdx = period - 1;
  if (startIdx >= n) return;
  sma(real, period, outMiddle);
  let sumSquares = 0;
  let startSum = 0;
  for (let i = 0; i < startIdx; i++) {
    const value = real[i];
    sumSquares += value * value;
  }
  for (let t = startIdx; t < n; t++, startSum++) {
    let value = real[t];
    sumSquares += value * value;
    let meanSquares = sumSquares / period;
    value = real[startSum];
    sumSquares -= value * value;
    const middle = outMiddle[t];
    meanSquares -= middle * middle;
    const deviation = !(meanSquares < 1e-14) ? Math.sqrt(meanSquares) : 0.0;
    writeBands(deviation, middle, devUp, devDown, t, outUpper, outLower);
  }
}

/** The four multiplier cases of TA_BBANDS, each with its own operation order. */
function writeBands(
  deviation: number,
  middle: number,
  devUp: number,
  devDown: number,
  t: number,
  outUpper: Float64Array,
  outLower: Float64Array,
): void {
  if (devUp === devDown) {
    const width = devUp === 1.0 ? deviation : deviation * devUp;
    outUpper[t] = middle + width;
    outLower[t] = middle - width;
  } else if (devUp === 1.0) {
    outUpper[t] = middle + deviation;
    outLower[t] = middle - deviation * devDown;
  } else if (devDown === 1.0) {
    outLower[t] = middle - deviation;
    outUpper[t] = middle + deviation * devUp;
  } else {
    outUpper[t] = middle + deviation * devUp;
    outLower[t] = middle - deviation * devDown;
  }
}

/** TA_STDDEV over TA_INT_VAR: E[x^2] - E[x]^2 from running sums. */
export function stddev(real: Float64Array, period: number, devs: number, out: Float64Array): void {
  const n = real.length;
  const startIdx = period - 1;
  if (startIdx >= n) return;
  let total = 0;
  let totalSquares = 0;
  let i = 0;
  for (; i < startIdx; i++) {
    const value = real[i];
    total += value;
    totalSquares += value * value;
  }
  let trailing = 0;
  for (; i < n; i++) {
    let value = real[i];
    total += value;
    totalSquares += value * value;
    const mean = total / period;
    const meanSquares = totalSquares / period;
    value = real[trailing++];
    total -= value;
    totalSquares -= value * value;
    const variance = meanSquares - mean * mean;
    if (variance < 1e-14) out[i] = 0.0;
    else out[i] = devs !== 1.0 ? Math.sqrt(variance) * devs : Math.sqrt(variance);
  }
}

/** TA_LINEARREG_SLOPE: least-squares slope, x = bars ago, recomputed per window. */
export function linearRegSlope(real: Float64Array, period: number, out: Float64Array): void {
  const n = real.length;
  const sumX = period * (period - 1) * 0.5;
  // C evaluates this in int arithmetic, integer division included.
  const sumXSqr = Math.trunc((period * (period - 1) * (2 * period - 1)) / 6);
  const divisor = sumX * sumX - period * sumXSqr;
  for (let today = period - 1; today < n; today++) {
    let sumXY = 0;
    let sumY = 0;
    for (let i = period; i-- !== 0; ) {
      const value = real[today - i];
      sumY += value;
      sumXY += i * value;
    }
    out[today] = (period * sumXY - sumX * sumY) / divisor;
  }
}
