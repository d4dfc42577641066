/**
 * True range, ATR, directional movement (ADX, +DI, -DI) and parabolic SAR,
 * ported from TA-Lib 0.6 C. Same conventions as averages.ts.
 */

/** TA-Lib's TRUE_RANGE macro, argument order included. */
function trueRange(high: number, low: number, prevClose: number): number {
  let range = high - low;
  const up = Math.abs(high - prevClose);
  if (up > range) range = up;
  const down = Math.abs(low - prevClose);
  if (down > range) range = down;
  return range;
}

/** The true range of bar `t` (t >= 1): its high, its low and the close before it. */
function barRange(high: Float64Array, low: Float64Array, close: Float64Array, t: number): number {
  return trueRange(high[t], low[t], close[t - 1]);
}

/**
 * Bar t's +DM (t >= 1): the high's rise when it is positive and larger than
 * the low's fall, else 0 (TA-Lib's `diffP > 0 && diffP > diffM`).
 */
function plusMove(high: Float64Array, low: Float64Array, t: number): number {
  const diffP = high[t] - high[t - 1];
  const diffM = low[t - 1] - low[t];
  return diffP > 0 && diffP > diffM ? diffP : 0.0;
}

/** Bar t's -DM (t >= 1): the low's fall when it is positive and larger than the high's rise, else 0. */
function minusMove(high: Float64Array, low: Float64Array, t: number): number {
  const diffP = high[t] - high[t - 1];
  const diffM = low[t - 1] - low[t];
  return diffM > 0 && diffP < diffM ? diffM : 0.0;
}

/** TA_ATR: plain average of the first `period` true ranges, then Wilder smoothing. */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  const n = high.length;
  if (period >= n) return;
  // TA_TRANGE computes |prevClose - high| and |prevClose - low|; same magnitude as trueRange's.
  let total = 0;
  for (let t = 1; t <= period; t++) total += trueRange(high[t], low[t], close[t - 1]);
  let prevAtr = total / period;
  out[period] = prevAtr;
  for (let t = period + 1; t < n; t++) {
    prevAtr *= period - 1;
    prevAtr += trueRange(high[t], low[t], close[t - 1]);
    prevAtr /= period;
    out[t] = prevAtr;
  }
}

const isZero = (x: number): boolean => -1e-14 < x && x < 1e-14;

/**
 * TA_PLUS_DI / TA_MINUS_DI (period > 1): Wilder sums of one side's directional
 * movement and of the true range, seeded with `period - 1` plain sums. Where
 * TA-Lib adds nothing (the other side moved more), adding plusMove's or
 * minusMove's 0 leaves the sums as they are: they are never -0.
 */
function directionalIndicator(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  plus: boolean,
  out: Float64Array,
): void {
  const n = high.length;
  if (period >= n) return;
  let prevDm = 0.0;
  let prevTr = 0.0;
  for (let today = 1; today < period; today++) {
    prevDm += plus ? plusMove(high, low, today) : minusMove(high, low, today);
    prevTr += barRange(high, low, close, today);
  }
  for (let today = period; today < n; today++) {
    prevDm = prevDm - prevDm / period + (plus ? plusMove(high, low, today) : minusMove(high, low, today));
    prevTr = prevTr - prevTr / period + barRange(high, low, close, today);
    out[today] = isZero(prevTr) ? 0.0 : 100.0 * (prevDm / prevTr);
  }
}

export function plusDi(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  directionalIndicator(high, low, close, period, true, out);
}

export function minusDi(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  directionalIndicator(high, low, close, period, false, out);
}

export const adxLookback = (period: number): number => 2 * period - 1;

/**
 * TA_ADX. Its DM update differs from TA_PLUS_DI's: it decays both sides first
 * and adds the movement afterwards (`dm -= dm/period; dm += diff`). A bar
 * moves one side at most, so adding both sides' moves (one of them 0) is
 * TA-Lib's `if (minus) ... else if (plus) ...`.
 */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  const n = high.length;
  const startIdx = adxLookback(period);
  if (startIdx >= n) return;
  let today = 0;
  let prevMinusDm = 0.0;
  let prevPlusDm = 0.0;
  let prevTr = 0.0;
  while (today < period - 1) {
    today++;
    prevMinusDm += minusMove(high, low, today);
    prevPlusDm += plusMove(high, low, today);
    prevTr += barRange(high, low, close, today);
  }
  let dx = 0.0;
  // One step of the smoothed DM/TR; false where TA-Lib skips DX (TR or DI sum ~ 0).
  const step = (): boolean => {
    today++;
    prevMinusDm -= prevMinusDm / period;
    prevPlusDm -= prevPlusDm / period;
    prevMinusDm += minusMove(high, low, today);
    prevPlusDm += plusMove(high, low, today);
    prevTr = prevTr - prevTr / period + barRange(high, low, close, today);
    if (isZero(prevTr)) return false;
    const minusDi = 100.0 * (prevMinusDm / prevTr);
    const plusDi = 100.0 * (prevPlusDm / prevTr);
    const sum = minusDi + plusDi;
    if (isZero(sum)) return false;
    dx = 100.0 * (Math.abs(minusDi - plusDi) / sum);
    return true;
  };
  let sumDx = 0.0;
  for (let i = period; i-- > 0; ) if (step()) sumDx += dx;
  let prevAdx = sumDx / period;
  out[startIdx] = prevAdx;
  while (today < n - 1) {
    if (step()) prevAdx = (prevAdx * (period - 1) + dx) / period;
    out[today] = prevAdx;
  }
}

/**
 * TA_SAR. The initial direction comes from TA_MINUS_DM over the first two
 * bars: short when the low fell more than the high rose.
 */
export function sar(high: Float64Array, low: Float64Array, acceleration: number, maximum: number, out: Float64Array): void {
  const n = high.length;
  if (n <= 1) return;
  let af = acceleration;
  if (af > maximum) af = acceleration = maximum;
  const diffP = high[1] - high[0];
  const diffM = low[0] - low[1];
  let isLong = !(diffM > 0 && diffP < diffM);
  let todayIdx = 1;
  let newHigh = high[0];
  let newLow = low[0];
  let ep: number;
  let sarValue: number;
  if (isLong) {
    ep = high[todayIdx];
    sarValue = newLow;
  } else {
    ep = low[todayIdx];
    sarValue = newHigh;
  }
  newLow = low[todayIdx];
  newHigh = high[todayIdx];
  while (todayIdx < n) {
    const prevLow = newLow;
    const prevHigh = newHigh;
    newLow = low[todayIdx];
    newHigh = high[todayIdx];
    const t = todayIdx++;
    if (isLong) {
      if (newLow <= sarValue) {
        isLong = false;
        sarValue = ep;
        if (sarValue < prevHigh) sarValue = prevHigh;
        if (sarValue < newHigh) sarValue = newHigh;
        out[t] = sarValue;
        af = acceleration;
        ep = newLow;
        sarValue = sarValue + af * (ep - sarValue);
        if (sarValue < prevHigh) sarValue = prevHigh;
        if (sarValue < newHigh) sarValue = newHigh;
      } else {
        out[t] = sarValue;
        if (newHigh > ep) {
          ep = newHigh;
          af += acceleration;
          if (af > maximum) af = maximum;
        }
        sarValue = sarValue + af * (ep - sarValue);
        if (sarValue > prevLow) sarValue = prevLow;
        if (sarValue > newLow) sarValue = newLow;
      }
    } else if (newHigh >= sarValue) {
      isLong = true;
      sarValue = ep;
      if (sarValue > prevLow) sarValue = prevLow;
      if (sarValue > newLow) sarValue = newLow;
      out[t] = sarValue;
      af = acceleration;
      ep = newHigh;
      sarValue = sarValue + af * (ep - sarValue);
      if (sarValue > prevLow) sarValue = prevLow;
      if (sarValue > newLow) sarValue = newLow;
    } else {
      out[t] = sarValue;
      if (newLow < ep) {
        ep = newLow;
        af += acceleration;
        if (af > maximum) af = maximum;
      }
      sarValue = sarValue + af * (ep - sarValue);
      if (sarValue < prevHigh) sarValue = prevHigh;
      if (sarValue < newHigh) sarValue = newHigh;
    }
  }
}
