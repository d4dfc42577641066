/**
 * Momentum oscillators of one series, ported from TA-Lib 0.6 C (RSI, CMO,
 * MACD, APO/PPO, ROC, MOM). Same conventions as averages.ts: called from
 * index 0, output written at the absolute input index.
 */
import { emaFactor, emaFrom, emaLookback, ema, sma } from './averages.js';

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

export function rsi(real: Float64Array, period: number, out: Float64Array): void {
  gainLossOscillator(real, period, out, (gain, _loss, total) => 100.0 * (gain / total));
}

export function cmo(real: Float64Array, period: number, out: Float64Array): void {
  gainLossOscillator(real, period, out, (gain, loss, total) => 100.0 * ((gain - loss) / total));
}

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

export function roc(real: Float64Array, period: number, out: Float64Array): void {
  for (let t = period; t < real.length; t++) {
    const past = real[t - period];
    out[t] = past !== 0.0 ? (real[t] / past - 1.0) * 100.0 : 0.0;
  }
}

export function mom(real: Float64Array, period: number, out: Float64Array): void {
  for (let t = period; t < real.length; t++) out[t] = real[t] - real[t - period];
}
