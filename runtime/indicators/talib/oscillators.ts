/**
 * Momentum oscillators ported from TA-Lib 0.6 C (RSI, CMO, MACD, APO/PPO,
 * ROC, MOM, STOCH, WILLR, CCI, MFI, AROON). Same conventions as averages.ts:
 * called from index 0, output written at the absolute input index.
 */
import { emaFactor, emaFrom, emaLookback, ema, sma, smaLookback } from './averages.js';

const isZero = (x: number): boolean => -1e-14 < x && x < 1e-14;

/**
 * Wilder-smoothed average gain and loss, shared by TA_RSI and TA_CMO (the two
 * C functions are identical but for the final ratio).
 */
function gainLossOscillator(
  real: Float64Array,
  period: number,
  out: Float64Array,
  ratio: (gain: number, loss: number, total: number) => number,
): void {
  const n = real.length;
  if (period >= n) return;
  let today = 0;
  let prevValue = real[today];
  let prevGain = 0.0;
  let prevLoss = 0.0;
  today++;
  for (let i = period; i > 0; i--) {
    const value = real[today++];
    const change = value - prevValue;
    prevValue = value;
    if (change < 0) prevLoss -= change;
    else prevGain += change;
  }
  prevLoss /= period;
  prevGain /= period;
  let total = prevGain + prevLoss;
  out[period] = isZero(total) ? 0.0 : ratio(prevGain, prevLoss, total);
  while (today < n) {
    const value = real[today];
    const change = value - prevValue;
    prevValue = value;
    prevLoss *= period - 1;
    prevGain *= period - 1;
    if (change < 0) prevLoss -= change;
    else prevGain += change;
    prevLoss /= period;
    prevGain /= period;
    total = prevGain + prevLoss;
    out[today++] = isZero(total) ? 0.0 : ratio(prevGain, prevLoss, total);
  }
}

export const rsiLookback = (period: number): number => period;

export function rsi(real: Float64Array, period: number, out: Float64Array): void {
  gainLossOscillator(real, period, out, (gain, _loss, total) => 100.0 * (gain / total));
}

export const cmoLookback = (period: number): number => period;

export function cmo(real: Float64Array, period: number, out: Float64Array): void {
  gainLossOscillator(real, period, out, (gain, loss, total) => 100.0 * ((gain - loss) / total));
}

export const macdLookback = (slow: number, signal: number): number => emaLookback(slow) + emaLookback(signal);

/**
 * TA_MACD: both EMAs start (are seeded) at the first index the slow one can,
 * then the signal EMA runs over the MACD line from there.
 */
export function macd(
  real: Float64Array,
  fast: number,
  slow: number,
  signal: number,
  outMacd: Float64Array,
  outSignal: Float64Array,
  outHist: Float64Array,
): void {
  const n = real.length;
  if (slow < fast) [fast, slow] = [slow, fast];
  const lookbackSignal = emaLookback(signal);
  const startIdx = lookbackSignal + emaLookback(slow);
  if (startIdx >= n) return;
  const lineStart = startIdx - lookbackSignal;
  const slowEma = new Float64Array(n);
  const line = new Float64Array(n);
  emaFrom(real, slow, emaFactor(slow), lineStart, slowEma);
  emaFrom(real, fast, emaFactor(fast), lineStart, line);
  for (let t = lineStart; t < n; t++) line[t] = line[t] - slowEma[t];
  const lineView = line.subarray(lineStart);
  emaFrom(lineView, signal, emaFactor(signal), lookbackSignal, outSignal.subarray(lineStart));
  for (let t = startIdx; t < n; t++) {
    outMacd[t] = line[t];
    outHist[t] = line[t] - outSignal[t];
  }
}

/** APO/PPO moving-average types used by the reference (TA_MAType). */
export const MA_SMA = 0;
export const MA_EMA = 1;
export type PriceOscillatorMa = typeof MA_SMA | typeof MA_EMA;

export const priceOscillatorLookback = (fast: number, slow: number): number => Math.max(fast, slow) - 1;

function movingAverage(real: Float64Array, period: number, type: PriceOscillatorMa, out: Float64Array): void {
  if (type === MA_EMA) ema(real, period, out);
  else sma(real, period, out);
}

/**
 * TA_INT_PO behind TA_APO and TA_PPO: each average is computed from index 0
 * on its own (unlike MACD), then fast - slow, or its percentage of slow.
 */
function priceOscillator(
  real: Float64Array,
  fast: number,
  slow: number,
  type: PriceOscillatorMa,
  out: Float64Array,
  percentage: boolean,
): void {
  const n = real.length;
  if (slow < fast) [fast, slow] = [slow, fast];
  const startIdx = priceOscillatorLookback(fast, slow);
  if (startIdx >= n) return;
  const fastMa = new Float64Array(n);
  movingAverage(real, fast, type, fastMa);
  movingAverage(real, slow, type, out);
  for (let t = startIdx; t < n; t++) {
    const slowValue = out[t];
    if (percentage) out[t] = isZero(slowValue) ? 0.0 : ((fastMa[t] - slowValue) / slowValue) * 100.0;
    else out[t] = fastMa[t] - slowValue;
  }
}

export function apo(real: Float64Array, fast: number, slow: number, type: PriceOscillatorMa, out: Float64Array): void {
  priceOscillator(real, fast, slow, type, out, false);
}

export function ppo(real: Float64Array, fast: number, slow: number, type: PriceOscillatorMa, out: Float64Array): void {
  priceOscillator(real, fast, slow, type, out, true);
}

export const rocLookback = (period: number): number => period;

export function roc(real: Float64Array, period: number, out: Float64Array): void {
  for (let t = period; t < real.length; t++) {
    const past = real[t - period];
    out[t] = past !== 0.0 ? (real[t] / past - 1.0) * 100.0 : 0.0;
  }
}

export const momLookback = (period: number): number => period;

export function mom(real: Float64Array, period: number, out: Float64Array): void {
  for (let t = period; t < real.length; t++) out[t] = real[t] - real[t - period];
}

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

export const willrLookback = (period: number): number => period - 1;

export function willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  stochasticRange(high, low, close, period, -100.0, (c, _lowest, highest, diff) => (highest - c) / diff, out);
}

export const cciLookback = (period: number): number => period - 1;

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

export const mfiLookback = (period: number): number => period;

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

export const aroonLookback = (period: number): number => period;

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
