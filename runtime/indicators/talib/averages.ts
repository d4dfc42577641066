/**
 * Moving averages, ported from TA-Lib 0.6 C (TA_SMA, TA_INT_EMA, TA_KAMA,
 * TA_TRIX) operation for operation so that every float matches. Kernels are
 * called with startIdx = 0 and write `out[t]` at the absolute input index t,
 * leaving the lookback region untouched. TA-Lib's unstable periods are 0 and
 * its compatibility mode is the default, as in the reference run.
 */

/** Smallest index with output, as TA-Lib's *_Lookback. */
export const smaLookback = (period: number): number => period - 1;
export const emaLookback = (period: number): number => period - 1;

/** TA_INT_SMA: running total, subtracting the trailing value after each output. */
export function sma(real: Float64Array, period: number, out: Float64Array): void {
  const n = real.length;
  let i = period - 1;
  if (i >= n) return;
  let total = 0;
  for (let j = 0; j < i; j++) total += real[j];
  let trailing = 0;
  for (; i < n; i++) {
    total += real[i];
    const sum = total;
    total -= real[trailing++];
    out[i] = sum / period;
  }
}

export const emaFactor = (period: number): number => 2 / (period + 1);

/**
 * TA_INT_EMA with an explicit startIdx: seeded by the plain average of the
 * `period` values ending at `startIdx` (MACD starts both of its averages at
 * the slow one's first index, so the fast one is seeded late).
 */
export function emaFrom(real: Float64Array, period: number, k: number, startIdx: number, out: Float64Array): void {
  const n = real.length;
  const lookback = period - 1;
  if (startIdx < lookback) startIdx = lookback;
  if (startIdx >= n) return;
  let today = startIdx - lookback;
  let seed = 0;
  for (let i = period; i-- > 0; ) seed += real[today++];
  let prev = seed / period;
  while (today <= startIdx) prev = (real[today++] - prev) * k + prev;
  out[startIdx] = prev;
  while (today < n) {
    prev = (real[today] - prev) * k + prev;
    out[today++] = prev;
  }
}

export function ema(real: Float64Array, period: number, out: Float64Array): void {
  emaFrom(real, period, emaFactor(period), period - 1, out);
}

const KAMA_SLOWEST = 2.0 / (30.0 + 1.0);
const KAMA_SPREAD = 2.0 / (2.0 + 1.0) - KAMA_SLOWEST;

/** TA_KAMA: efficiency ratio from a running sum of absolute one-bar changes. */
export function kama(real: Float64Array, period: number, out: Float64Array): void {
  const n = real.length;
  const startIdx = period;
  if (startIdx >= n) return;
  let sumRoc1 = 0;
  let today = 0;
  let trailingIdx = 0;
  for (let i = period; i-- > 0; ) {
    let change = real[today++];
    change -= real[today];
    sumRoc1 += Math.abs(change);
  }
  let prevKama = real[today - 1];
  let value = real[today];
  let trailing = real[trailingIdx++];
  let periodRoc = value - trailing;
  let trailingValue = trailing;
  let ratio = sumRoc1 <= periodRoc || (-1e-14 < sumRoc1 && sumRoc1 < 1e-14) ? 1.0 : Math.abs(periodRoc / sumRoc1);
  let smoothing = ratio * KAMA_SPREAD + KAMA_SLOWEST;
  smoothing *= smoothing;
  prevKama = (real[today++] - prevKama) * smoothing + prevKama;
  out[startIdx] = prevKama;
  while (today < n) {
    value = real[today];
    trailing = real[trailingIdx++];
    periodRoc = value - trailing;
    sumRoc1 -= Math.abs(trailingValue - trailing);
    sumRoc1 += Math.abs(value - real[today - 1]);
    trailingValue = trailing;
    ratio = sumRoc1 <= periodRoc || (-1e-14 < sumRoc1 && sumRoc1 < 1e-14) ? 1.0 : Math.abs(periodRoc / sumRoc1);
    smoothing = ratio * KAMA_SPREAD + KAMA_SLOWEST;
    smoothing *= smoothing;
    prevKama = (real[today] - prevKama) * smoothing + prevKama;
    out[today++] = prevKama;
  }
}

export const trixLookback = (period: number): number => 3 * emaLookback(period) + 1;

/** TA_TRIX: one-bar rate of change (in %) of a triple EMA, each EMA seeded on the previous one's first value. */
export function trix(real: Float64Array, period: number, out: Float64Array): void {
  const n = real.length;
  const lookback = emaLookback(period);
  if (trixLookback(period) >= n) return;
  const k = emaFactor(period);
  const first = new Float64Array(n);
  const second = new Float64Array(n);
  const third = new Float64Array(n);
  emaFrom(real, period, k, lookback, first);
  emaFrom(first.subarray(lookback), period, k, lookback, second.subarray(lookback));
  emaFrom(second.subarray(2 * lookback), period, k, lookback, third.subarray(2 * lookback));
  for (let t = 3 * lookback + 1; t < n; t++) {
    const previous = third[t - 1];
    out[t] = previous !== 0.0 ? (third[t] / previous - 1.0) * 100.0 : 0.0;
  }
}
