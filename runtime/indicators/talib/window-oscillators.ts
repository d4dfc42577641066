/**
 * Oscillators over a trailing window of highs/lows or typical prices,
 * ported from TA-Lib 0.6 C (STOCH, WILLR, AROON, CCI, MFI). Same
 * conventions as averages.ts.
 */
import { sma, smaLookback } from './averages.js';

/**
 * Lowest low and highest high over a trailing window, kept the way TA-Lib's
 * STOCH and WILLR do: rescan only when the extreme leaves the window, and
 * recompute the range `scale` only when an extreme changes.
 */
function stochasticRange(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  divisor: number,
  value: (close: number, lowest: number, highest: number, diff: number) => number,
  out: Float64Array,
): void {
  const n = high.length;
  let today = period - 1;
  let trailingIdx = 0;
  let lowestIdx = -1;
  let highestIdx = -1;
  let diff = 0.0;
  let highest = 0.0;
  let lowest = 0.0;
  while (today < n) {
    let tmp = low[today];
    if (lowestIdx < trailingIdx) {
      lowestIdx = trailingIdx;
      lowest = low[lowestIdx];
      for (let i = lowestIdx + 1; i <= today; i++) {
        tmp = low[i];
        if (tmp < lowest) {
          lowestIdx = i;
          lowest = tmp;
        }
      }
      diff = (highest - lowest) / divisor;
    } else if (tmp <= lowest) {
      lowestIdx = today;
      lowest = tmp;
      diff = (highest - lowest) / divisor;
    }
    tmp = high[today];
    if (highestIdx < trailingIdx) {
      highestIdx = trailingIdx;
      highest = high[highestIdx];
      for (let i = highestIdx + 1; i <= today; i++) {
        tmp = high[i];
        if (tmp > highest) {
          highestIdx = i;
          highest = tmp;
        }
      }
      diff = (highest - lowest) / divisor;
    } else if (tmp >= highest) {
      highestIdx = today;
      highest = tmp;
      diff = (highest - lowest) / divisor;
    }
    out[today] = diff !== 0.0 ? value(close[today], lowest, highest, diff) : 0.0;
    trailingIdx++;
    today++;
  }
}

export const stochLookback = (fastK: number, slowK: number, slowD: number): number =>
  fastK - 1 + smaLookback(slowK) + smaLookback(slowD);

/** TA_STOCH with simple-average smoothing of %K and %D (MA type 0). */
export function stoch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  fastK: number,
  slowK: number,
  slowD: number,
  outK: Float64Array,
  outD: Float64Array,
): void {
  const n = high.length;
  const startIdx = stochLookback(fastK, slowK, slowD);
  if (startIdx >= n) return;
  const fast = new Float64Array(n);
  stochasticRange(high, low, close, fastK, 100.0, (c, lowest, _highest, diff) => (c - lowest) / diff, fast);
  const kStart = fastK - 1;
  const smoothedK = new Float64Array(n);
  sma(fast.subarray(kStart), slowK, smoothedK.subarray(kStart));
  const dStart = kStart + smaLookback(slowK);
  sma(smoothedK.subarray(dStart), slowD, outD.subarray(dStart));
  for (let t = startIdx; t < n; t++) outK[t] = smoothedK[t];
}

export function willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  stochasticRange(high, low, close, period, -100.0, (c, _lowest, highest, diff) => (highest - c) / diff, out);
}

/**
 * TA_CCI: the window lives in a circular buffer and both the mean and the
 * mean deviation are summed in buffer-slot order, not in time order.
 */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  const n = high.length;
  const startIdx = period - 1;
  if (startIdx >= n) return;
  const ring = new Float64Array(period);
  let slot = 0;
  let i = 0;
  while (i < startIdx) {
    ring[slot] = (high[i] + low[i] + close[i]) / 3;
    i++;
    if (++slot > period - 1) slot = 0;
  }
  for (; i < n; i++) {
    const lastValue = (high[i] + low[i] + close[i]) / 3;
    ring[slot] = lastValue;
    let average = 0;
    for (let j = 0; j < period; j++) average += ring[j];
    average /= period;
    let deviation = 0;
    for (let j = 0; j < period; j++) deviation += Math.abs(ring[j] - average);
    const distance = lastValue - average;
    out[i] = distance !== 0.0 && deviation !== 0.0 ? distance / (0.015 * (deviation / period)) : 0.0;
    if (++slot > period - 1) slot = 0;
  }
}

/** TA_MFI: positive and negative money flow kept in a circular buffer with running sums. */
export function mfi(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period: number,
  out: Float64Array,
): void {
  const n = high.length;
  if (period >= n) return;
  const positive = new Float64Array(period);
  const negative = new Float64Array(period);
  let slot = 0;
  let posSum = 0.0;
  let negSum = 0.0;
  let today = 0;
  let prevValue = (high[today] + low[today] + close[today]) / 3.0;
  today++;
  const push = (): void => {
    let typical = (high[today] + low[today] + close[today]) / 3.0;
    const change = typical - prevValue;
    prevValue = typical;
    typical *= volume[today++];
    if (change < 0) {
      negative[slot] = typical;
      negSum += typical;
      positive[slot] = 0.0;
    } else if (change > 0) {
      positive[slot] = typical;
      posSum += typical;
      negative[slot] = 0.0;
    } else {
      positive[slot] = 0.0;
      negative[slot] = 0.0;
    }
  };
  for (let i = period; i > 0; i--) {
    push();
    if (++slot > period - 1) slot = 0;
  }
  let total = posSum + negSum;
  out[period] = total < 1.0 ? 0.0 : 100.0 * (posSum / total);
  while (today < n) {
    posSum -= positive[slot];
    negSum -= negative[slot];
    const t = today;
    push();
    total = posSum + negSum;
    out[t] = total < 1.0 ? 0.0 : 100.0 * (posSum / total);
    if (++slot > period - 1) slot = 0;
  }
}

/** TA_AROON: ties go to the most recent extreme (<= and >=), unlike STOCH. */
export function aroon(high: Float64Array, low: Float64Array, period: number, outDown: Float64Array, outUp: Float64Array): void {
  const n = high.length;
  let today = period;
  let trailingIdx = 0;
  let lowestIdx = -1;
  let highestIdx = -1;
  let lowest = 0.0;
  let highest = 0.0;
  const factor = 100.0 / period;
  while (today < n) {
    let tmp = low[today];
    if (lowestIdx < trailingIdx) {
      lowestIdx = trailingIdx;
      lowest = low[lowestIdx];
      for (let i = lowestIdx + 1; i <= today; i++) {
        tmp = low[i];
        if (tmp <= lowest) {
          lowestIdx = i;
          lowest = tmp;
        }
      }
    } else if (tmp <= lowest) {
      lowestIdx = today;
      lowest = tmp;
    }
    tmp = high[today];
    if (highestIdx < trailingIdx) {
      highestIdx = trailingIdx;
      highest = high[highestIdx];
      for (let i = highestIdx + 1; i <= today; i++) {
        tmp = high[i];
        if (tmp >= highest) {
          highestIdx = i;
          highest = tmp;
        }
      }
    } else if (tmp >= highest) {
      highestIdx = today;
      highest = tmp;
    }
    outUp[today] = factor * (period - (today - highestIdx));
    outDown[today] = factor * (period - (today - lowestIdx));
    trailingIdx++;
    today++;
  }
}
